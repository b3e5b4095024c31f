/**
 * Scenario 6 — storage. Each trace is replayed through a Tandem server, one update per txn,
 * each agent of a concurrent trace on its own connection (waiting for acknowledgements
 * whenever the typing agent changes, so updates reach the server in causal order). Run once
 * with compaction off (the raw update log) and once with the default thresholds; then the
 * server restarts and a fresh client's synced text must equal the trace's endContent.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { encodeRow } from '@tandem/sync-server/row-codec';
import * as Y from 'yjs';
import { TandemConnection } from '../clients/index.js';
import { loadTrace, traceUpdates, type LoadedTrace } from '../lib/traces.js';
import { fmt, note, withTimeout } from '../lib/util.js';
import { protocolOf, startServer } from '../servers/index.js';
import type { RunOptions, ScenarioResult } from './common.js';

const NO_COMPACTION = { COMPACT_ROWS: '10000000', COMPACT_BYTES: String(1024 * 1024 * 1024) };

interface Replayed {
  updates: number;
  failed: number;
  seconds: number;
}

async function replayThroughServer(port: number, docId: string, loaded: LoadedTrace): Promise<Replayed> {
  const trace = loaded.trace;
  const agents = trace.kind === 'concurrent' ? trace.numAgents : 1;
  const connections = Array.from({ length: agents }, () => new TandemConnection(port));
  for (const c of connections) await c.join(docId, null);
  let outstanding = 0;
  let failed = 0;
  let updates = 0;
  let wake: (() => void) | null = null;
  const until = async (ok: () => boolean): Promise<void> => {
    while (!ok()) await new Promise<void>((resolve) => (wake = resolve));
  };
  const started = performance.now();
  // Which txns the server has acknowledged, and who wrote each: a txn is sent once every
  // parent written by another agent (on another connection) is acknowledged.
  const acked = new Uint8Array(trace.txns.length);
  const author = new Int32Array(trace.txns.length).fill(-1);
  for (const { agent, update, index, parents } of traceUpdates(trace)) {
    const crossParents = parents.filter((p) => author[p] !== agent && author[p] !== -1);
    await until(() => outstanding < 512 && crossParents.every((p) => acked[p] === 1));
    if (index >= 0) author[index] = agent;
    outstanding++;
    updates++;
    connections[agent]!.sendUpdate(docId, update, (ok) => {
      outstanding--;
      if (index >= 0) acked[index] = 1;
      if (!ok) failed++;
      const w = wake;
      wake = null;
      w?.();
    });
  }
  await until(() => outstanding === 0);
  const seconds = (performance.now() - started) / 1000;
  for (const c of connections) c.close();
  return { updates, failed, seconds };
}

function fileBytes(dir: string): number {
  let total = 0;
  for (const name of ['tandem.db', 'tandem.db-wal']) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) total += fs.statSync(file).size;
  }
  return total;
}

/** File size after VACUUM, measured on a copy. */
function vacuumedBytes(dir: string): number {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-vacuum-'));
  try {
    for (const name of ['tandem.db', 'tandem.db-wal']) {
      const file = path.join(dir, name);
      if (fs.existsSync(file)) fs.copyFileSync(file, path.join(copy, name));
    }
    const db = new Database(path.join(copy, 'tandem.db'));
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.exec('VACUUM');
    db.close();
    return fileBytes(copy);
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

interface DocStats {
  rows: number;
  bytes: number;
}

function docStats(dir: string, docIds: string[]): Map<string, DocStats> {
  const db = new Database(path.join(dir, 'tandem.db'), { readonly: true, fileMustExist: true });
  const stmt = db.prepare<[string], { rows: number; bytes: number | null }>(
    'SELECT COUNT(*) AS rows, SUM(LENGTH(data)) AS bytes FROM updates WHERE doc_id = ?',
  );
  const stats = new Map<string, DocStats>();
  for (const id of docIds) {
    const row = stmt.get(id)!;
    stats.set(id, { rows: row.rows, bytes: row.bytes ?? 0 });
  }
  db.close();
  return stats;
}

/** Bytes a compacted state takes as the server stores it (deflated when that pays). */
function storedStateBytes(state: Uint8Array): number {
  return encodeRow(state).data.byteLength;
}
export async function runStorage(run: RunOptions, traceNames: string[]): Promise<ScenarioResult[]> {
  if (!run.servers.some((k) => protocolOf(k) === 'tandem')) return [];
  const started = performance.now();
  const traces = traceNames.map((name) => loadTrace(name));
  const docIdOf = (t: LoadedTrace): string => `trace-${t.name.replace(/[^A-Za-z0-9_-]/g, '_')}`.slice(0, 64);
  const docIds = traces.map(docIdOf);
  const configs = [
    { name: 'log', env: NO_COMPACTION },
    { name: 'default', env: {} as Record<string, string> },
  ];
  const measured = new Map<
    string,
    {
      stats: Map<string, DocStats>;
      file: number;
      vacuumed: number;
      replay: Map<string, Replayed>;
      verified: Map<string, { ok: boolean; state: number }>;
    }
  >();
  for (const config of configs) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-storage-'));
    try {
      const replay = new Map<string, Replayed>();
      let server = await startServer('tandem', { cpu: run.pin ? 0 : null, env: config.env, dataDir });
      try {
        for (const trace of traces) {
          const r = await withTimeout(
            replayThroughServer(server.port, docIdOf(trace), trace),
            15 * 60_000,
            `replaying ${trace.name}`,
          );
          replay.set(trace.name, r);
          note(
            `storage (${config.name}): ${trace.name}: ${r.updates} updates in ${r.seconds.toFixed(1)} s${r.failed ? `, ${r.failed} REFUSED` : ''}`,
          );
        }
      } finally {
        await server.stop({ keepData: true });
      }
      const stats = docStats(dataDir, docIds);
      const file = fileBytes(dataDir);
      const vacuumed = vacuumedBytes(dataDir);
      // Restart on the same data and check what a fresh client gets.
      const verified = new Map<string, { ok: boolean; state: number }>();
      server = await startServer('tandem', { cpu: run.pin ? 0 : null, env: config.env, dataDir });
      try {
        const connection = new TandemConnection(server.port);
        for (const trace of traces) {
          const doc = new Y.Doc();
          await withTimeout(connection.join(docIdOf(trace), doc), 60_000, `joining ${trace.name}`);
          verified.set(trace.name, {
            ok: doc.getText('t').toString() === trace.trace.endContent,
            state: storedStateBytes(Y.encodeStateAsUpdate(doc)),
          });
          connection.leave(docIdOf(trace));
        }
        connection.close();
      } finally {
        await server.stop({ keepData: true });
      }
      measured.set(config.name, { stats, file, vacuumed, replay, verified });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }

  const log = measured.get('log')!;
  const def = measured.get('default')!;
  const rows: string[][] = [];
  const perTrace: Record<string, unknown>[] = [];
  let allOk = true;
  for (const trace of traces) {
    const id = docIdOf(trace);
    const a = log.stats.get(id)!;
    const b = def.stats.get(id)!;
    const state = def.verified.get(trace.name)!.state;
    const ok = log.verified.get(trace.name)!.ok && def.verified.get(trace.name)!.ok;
    const refused = (log.replay.get(trace.name)?.failed ?? 0) + (def.replay.get(trace.name)?.failed ?? 0);
    allOk &&= ok && refused === 0;
    const e = trace.edits;
    perTrace.push({
      trace: trace.name,
      real: trace.real,
      edits: e,
      logRows: a.rows,
      logBytes: a.bytes,
      defaultRows: b.rows,
      defaultBytes: b.bytes,
      compactedStateBytes: state,
      matchesEndContent: ok,
      refused,
      replayUpdatesPerSec:
        (log.replay.get(trace.name)?.updates ?? 0) / (log.replay.get(trace.name)?.seconds ?? Number.NaN),
    });
    rows.push([
      trace.name,
      e.toLocaleString('en-US'),
      `${a.rows.toLocaleString('en-US')} rows, ${fmt(a.bytes / e)} B/edit`,
      `${b.rows.toLocaleString('en-US')} rows, ${fmt(b.bytes / e)} B/edit`,
      `${fmt(state / e)} B/edit`,
      ok && refused === 0 ? 'yes' : `**NO**${refused ? ` (${refused} refused)` : ''}`,
    ]);
  }
  const totalEdits = traces.reduce((s, t) => s + t.edits, 0);
  rows.push([
    '**whole database file**',
    totalEdits.toLocaleString('en-US'),
    `${fmt(log.file / totalEdits)} B/edit (${fmt(log.vacuumed / totalEdits)} after VACUUM)`,
    `${fmt(def.file / totalEdits)} B/edit (${fmt(def.vacuumed / totalEdits)} after VACUUM)`,
    '',
    allOk ? 'all match' : '**MISMATCH**',
  ]);
  return [
    {
      id: 'storage',
      title: '6. Storage per edit after replaying real traces',
      description:
        'Bytes stored per edit (one patch of the trace) for the update log with compaction off, with the default ' +
        'compaction thresholds (COMPACT_ROWS=500), and for the fully compacted state as compaction stores it (deflated). ' +
        "Target: ≤ 2 B/edit compacted. The last column checks the restarted server gives back exactly the trace's endContent.",
      config: { traces: traceNames },
      servers: ['tandem'],
      metrics: [],
      reps: {},
      notes: traces.some((t) => !t.real) ? ['Some traces were missing; synthetic traces stood in.'] : [],
      table: {
        headers: [
          'trace',
          'edits',
          'log (no compaction)',
          'default thresholds',
          'fully compacted',
          'restart = endContent',
        ],
        rows,
      },
      extra: {
        perTrace,
        files: { log: log.file, logVacuumed: log.vacuumed, default: def.file, defaultVacuumed: def.vacuumed },
      },
      seconds: (performance.now() - started) / 1000,
    },
  ];
}
