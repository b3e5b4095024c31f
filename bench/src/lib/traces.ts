/**
 * Real editing traces (../shared/traces, josephg/editing-traces, CC BY 4.0): loading them,
 * replaying them into Yjs, and a synthetic stand-in when they are not there.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import * as Y from 'yjs';
import { TraceReplay, type ConcurrentTrace, type TracePatch } from '@tandem/crdt-bridge/testing';
import { REPO_DIR, note } from './util.js';

/** [position, deleteCount, insertText] */
export type Patch = TracePatch;

export interface SequentialTrace {
  kind?: undefined;
  startContent: string;
  endContent: string;
  txns: { time?: string; patches: Patch[] }[];
}

export type { ConcurrentTrace };

export type Trace = SequentialTrace | ConcurrentTrace;

export interface LoadedTrace {
  name: string;
  trace: Trace;
  /** False when the file was missing and a synthetic trace stands in. */
  real: boolean;
  /** Number of patches (single edits). */
  edits: number;
}

export const TRACES_DIR = process.env.BENCH_TRACES_DIR ?? path.resolve(REPO_DIR, '../shared/traces');

/** Sequential typing with some deletions, deterministic, for when the real traces are missing. */
export function syntheticTrace(txnCount: number, seed = 1): SequentialTrace {
  let state = seed;
  const rand = (): number => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  let content = '';
  let cursor = 0;
  const txns: SequentialTrace['txns'] = [];
  for (let i = 0; i < txnCount; i++) {
    if (rand() < 0.02) cursor = Math.floor(rand() * (content.length + 1));
    let patch: Patch;
    if (rand() < 0.12 && cursor > 0) {
      patch = [cursor - 1, 1, ''];
      cursor--;
    } else {
      const ch = String.fromCharCode(97 + Math.floor(rand() * 26));
      patch = [cursor, 0, rand() < 0.15 ? ' ' : ch];
      cursor++;
    }
    content = content.slice(0, patch[0]) + patch[2] + content.slice(patch[0] + patch[1]);
    txns.push({ patches: [patch] });
  }
  return { startContent: '', endContent: content, txns };
}

/** Loads `<name>.json.gz`, or a synthetic trace of `fallbackTxns` edits (and says so). */
export function loadTrace(name: string, fallbackTxns = 20_000): LoadedTrace {
  const file = path.join(TRACES_DIR, `${name}.json.gz`);
  let trace: Trace;
  let real = true;
  if (fs.existsSync(file)) {
    trace = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8')) as Trace;
  } else {
    note(`trace ${file} not found: using a synthetic trace of ${fallbackTxns} edits instead`);
    trace = syntheticTrace(fallbackTxns);
    real = false;
  }
  let edits = 0;
  for (const txn of trace.txns) edits += txn.patches.length;
  return { name: real ? name : `${name} (synthetic)`, trace, real, edits };
}

function applyPatches(text: Y.Text, patches: readonly Patch[], offset = 0): void {
  for (const [pos, del, ins] of patches) {
    if (del > 0) text.delete(pos + offset, del);
    if (ins) text.insert(pos + offset, ins);
  }
}

/**
 * Replays a sequential trace into `doc` (one transaction per txn), `times` times in a row,
 * each copy appended after the previous; returns the expected final text.
 */
export function replaySequential(trace: SequentialTrace, doc: Y.Doc, times = 1, field = 't'): string {
  const text = doc.getText(field);
  for (let r = 0; r < times; r++) {
    const offset = text.length;
    if (trace.startContent) text.insert(offset, trace.startContent);
    for (const txn of trace.txns) doc.transact(() => applyPatches(text, txn.patches, offset));
  }
  return trace.endContent.repeat(times);
}

/** One update of a trace replay, with the agent (client) that made it. */
export interface TraceUpdate {
  agent: number;
  update: Uint8Array;
  edits: number;
  /** Index of the txn in the trace. */
  index: number;
  /** Txns this one builds on directly (concurrent traces; the previous txn for sequential ones). */
  parents: readonly number[];
}

/**
 * The Yjs updates of a trace, one per txn, in order. Sequential traces come from one agent;
 * concurrent traces give each agent a view that, before each txn, holds exactly the txns in
 * that txn's causal history, so positions mean what they meant to the author.
 */
export function* traceUpdates(trace: Trace): Generator<TraceUpdate> {
  if (trace.kind !== 'concurrent') {
    const doc = new Y.Doc();
    const text = doc.getText('t');
    let last: Uint8Array | null = null;
    doc.on('update', (u: Uint8Array) => {
      last = u;
    });
    if (trace.startContent) {
      text.insert(0, trace.startContent);
      yield { agent: 0, update: last!, edits: 0, index: -1, parents: [] };
    }
    for (let i = 0; i < trace.txns.length; i++) {
      const txn = trace.txns[i]!;
      last = null;
      doc.transact(() => applyPatches(text, txn.patches));
      if (last) yield { agent: 0, update: last, edits: txn.patches.length, index: i, parents: i > 0 ? [i - 1] : [] };
    }
    return;
  }
  // Each agent edits a view holding exactly its transaction's causal history (the bridge's replayer).
  const replay = new TraceReplay(trace);
  try {
    for (let i = 0; i < replay.length; i++) {
      const txn = trace.txns[i]!;
      const update = replay.make(i);
      if (txn.patches.length > 0)
        yield { agent: txn.agent, update, edits: txn.patches.length, index: i, parents: txn.parents };
    }
  } finally {
    replay.destroy();
  }
}
