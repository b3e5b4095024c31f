/**
 * Version history benchmark: how long a snapshot takes to create (encode + SQLite
 * insert with synchronous=FULL), to diff and to restore, and how large snapshots are,
 * against the size of the document's history. Replays the automerge-paper trace
 * (../shared/traces, josephg/editing-traces, CC BY 4.0, Martin Kleppmann) 1× and 10×:
 * 10× is ten replays, each typed into a paragraph of its own, so history and
 * content both grow tenfold.
 *
 *   npx tsx bench/history/history-bench.ts [--repeats 1,10] [--json out.json]
 *
 * It reaches the server and the bridge through their package exports, built (`npx tsc -b`),
 * as the rest of the bench does; `npx tsx --conditions=source …` runs it on the sources.
 *
 * Falls back to a synthetic trace (and says so) when the trace file is missing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import * as Y from 'yjs';
import { diffStates, encodeState, restoreState } from '@tandem/crdt-bridge/history';
import { CONTENT_FRAGMENT } from '@tandem/crdt-bridge/schema';
import { SqliteStore } from '@tandem/sync-server/sqlite-store';

type Patch = [position: number, deleteCount: number, insert: string];
interface Trace {
  endContent: string;
  txns: { patches: Patch[] }[];
}

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TRACE = path.resolve(
  process.env.BENCH_TRACES_DIR ?? path.join(REPO, '../shared/traces'),
  'automerge-paper.json.gz',
);

function loadTrace(): { trace: Trace; real: boolean } {
  if (fs.existsSync(TRACE))
    return { trace: JSON.parse(zlib.gunzipSync(fs.readFileSync(TRACE)).toString('utf8')) as Trace, real: true };
  console.warn(`${TRACE} is missing: using a synthetic trace of 100,000 keystrokes instead`);
  let content = '';
  const txns: Trace['txns'] = [];
  for (let i = 0; i < 100_000; i++) {
    const del = i % 9 === 8 && content.length > 0;
    const patch: Patch = del ? [content.length - 1, 1, ''] : [content.length, 0, i % 6 === 5 ? ' ' : 'x'];
    content = del ? content.slice(0, -1) : content + patch[2];
    txns.push({ patches: [patch] });
  }
  return { trace: { endContent: content, txns }, real: false };
}

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median of a few runs of `work`, in milliseconds. */
function timed(runs: number, work: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    work();
    times.push(ms(start));
  }
  return median(times);
}

/** Types the trace into a new paragraph of `doc`, one transaction per trace transaction; returns the state half-way. */
function replay(doc: Y.Doc, trace: Trace): Uint8Array {
  const paragraph = new Y.XmlElement('paragraph');
  const text = new Y.XmlText();
  paragraph.insert(0, [text]);
  doc.getXmlFragment(CONTENT_FRAGMENT).push([paragraph]);
  let half: Uint8Array | null = null;
  const middle = Math.floor(trace.txns.length / 2);
  trace.txns.forEach((txn, i) => {
    doc.transact(() => {
      for (const [pos, del, ins] of txn.patches) {
        if (del > 0) text.delete(pos, del);
        if (ins) text.insert(pos, ins);
      }
    });
    if (i === middle) half = encodeState(doc);
  });
  return half ?? encodeState(doc);
}

interface Row {
  repeats: number;
  edits: number;
  contentChars: number;
  replayMs: number;
  snapshotBytes: number;
  encodeMs: number;
  storeMs: number;
  diffMs: number;
  restoreMs: number;
  restoreUpdateBytes: number;
  dbBytesPer10Snapshots: number;
}

async function measure(trace: Trace, repeats: number): Promise<Row> {
  const doc = new Y.Doc();
  const started = process.hrtime.bigint();
  let half: Uint8Array = new Uint8Array();
  for (let r = 0; r < repeats; r++) half = replay(doc, trace);
  const replayMs = ms(started);
  const edits = repeats * trace.txns.reduce((n, t) => n + t.patches.length, 0);

  const state = encodeState(doc);
  const encodeMs = timed(5, () => encodeState(doc));

  // Storing: the same INSERT the server does, into a real SQLite file (WAL, synchronous=FULL).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-history-bench-'));
  const store = new SqliteStore(path.join(dir, 'tandem.db'));
  await store.ensure('bench', Date.now());
  const storeTimes: number[] = [];
  for (let i = 0; i < 10; i++) {
    const start = process.hrtime.bigint();
    await store.versions.addVersion({
      docId: 'bench',
      kind: 'auto',
      name: null,
      createdAt: Date.now(),
      authors: ['Bench'],
      state,
    });
    storeTimes.push(ms(start));
  }
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  const dbBytes = fs.statSync(path.join(dir, 'tandem.db')).size;
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });

  // Diff and restore between the state half-way through the last replay and the end.
  const diffMs = timed(3, () => diffStates(half, state));
  // Only the restore itself is timed, not loading the live document it applies to.
  let restoreUpdateBytes = 0;
  const restoreTimes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const live = new Y.Doc();
    Y.applyUpdate(live, state);
    live.on('update', (u: Uint8Array) => (restoreUpdateBytes = u.byteLength));
    const start = process.hrtime.bigint();
    restoreState(live, half);
    restoreTimes.push(ms(start));
    live.destroy();
  }
  doc.destroy();
  return {
    repeats,
    edits,
    contentChars: repeats * trace.endContent.length,
    replayMs,
    snapshotBytes: state.byteLength,
    encodeMs,
    storeMs: median(storeTimes),
    diffMs,
    restoreMs: median(restoreTimes),
    restoreUpdateBytes,
    dbBytesPer10Snapshots: dbBytes,
  };
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const repeatsList = (arg('repeats') ?? '1,10').split(',').map(Number);
const { trace, real } = loadTrace();
console.log(`history bench: ${real ? 'automerge-paper' : 'synthetic'} trace, ${trace.txns.length} transactions`);
const rows: Row[] = [];
for (const repeats of repeatsList) {
  const row = await measure(trace, repeats);
  rows.push(row);
  console.log(
    `${repeats}×: ${row.edits.toLocaleString()} edits, ${row.contentChars.toLocaleString()} chars; ` +
      `snapshot ${(row.snapshotBytes / 1024).toFixed(0)} KiB, encode ${row.encodeMs.toFixed(1)} ms, ` +
      `store ${row.storeMs.toFixed(1)} ms; diff (50%→100%) ${row.diffMs.toFixed(0)} ms; ` +
      `restore 100%→50% ${row.restoreMs.toFixed(0)} ms (${(row.restoreUpdateBytes / 1024).toFixed(1)} KiB update); ` +
      `10 snapshots = ${(row.dbBytesPer10Snapshots / 1024 / 1024).toFixed(1)} MiB on disk ` +
      `(replay took ${(row.replayMs / 1000).toFixed(1)} s)`,
  );
}
const out = arg('json');
if (out) fs.writeFileSync(out, JSON.stringify({ trace: real ? 'automerge-paper' : 'synthetic', rows }, null, 2));
