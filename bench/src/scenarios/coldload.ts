/**
 * Scenario 5 — loading a big document.
 *  (a) Cold load (Tandem): the automerge-paper trace (260k edits) is replayed into a Y.Doc,
 *      stored through the server, and unloaded (IDLE_UNLOAD_MS=0). A repetition joins it on an
 *      open connection and times join → step 2 received → applied (synced). The floor, timed
 *      in alternation, is what any server must do at least: read the rows from SQLite and
 *      Y.applyUpdate them (in the bench process, from the same database file).
 *  (b) Loads under traffic (Tandem): 4 cold loads per second while writers type in other
 *      documents; their keystroke latency with and without the loads.
 *  (c) Warm join (every server that holds documents): the document is in memory (a seeding
 *      client stays connected); time from opening a new connection to synced.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { decodeRow } from '@tandem/sync-server/row-codec';
import * as Y from 'yjs';
import { TandemConnection, joinDoc, type BenchClient } from '../clients/index.js';
import { loadTrace, replaySequential, type SequentialTrace } from '../lib/traces.js';
import { note, sleep, waitUntil, withTimeout } from '../lib/util.js';
import { TRAITS, protocolOf, tandemHealth, type ServerKind, type ServerProcess } from '../servers/index.js';
import {
  alternate,
  withServers,
  type MetricSpec,
  type RepMetrics,
  type RunOptions,
  type ScenarioResult,
} from './common.js';
import { latencyRep, type LatencyConfig } from './latency.js';

export interface ColdLoadOptions {
  /** Replays of the trace appended into one document (1 = the trace; 10 = "10×"). */
  times: number[];
  /** Duration of each half of the loads-under-traffic test; 0 skips it. */
  interferenceMs: number;
}

const COLD_METRICS: MetricSpec[] = [
  { key: 'synced', label: 'join → synced', unit: 'ms', better: 'lower', show: true },
  { key: 'step2', label: 'join → step 2 received', unit: 'ms', better: 'lower', show: true },
  { key: 'floor', label: 'floor: SQLite read + applyUpdate', unit: 'ms', better: 'lower', show: true },
  { key: 'ratio', label: 'synced ÷ floor', unit: '×', better: 'lower', show: true, verdict: true },
];

const INTERFERENCE_METRICS: MetricSpec[] = [
  { key: 'quietP50', label: 'edit p50, no loads', unit: 'ms', better: 'lower', show: true },
  { key: 'quietP99', label: 'edit p99, no loads', unit: 'ms', better: 'lower', show: true },
  { key: 'loadedP50', label: 'edit p50, 4 loads/s', unit: 'ms', better: 'lower', show: true },
  { key: 'loadedP99', label: 'edit p99, 4 loads/s', unit: 'ms', better: 'lower', show: true, verdict: true },
  { key: 'loadsDone', label: 'loads done', unit: '', better: 'higher', show: true, digits: 0 },
  { key: 'loadsFailed', label: 'loads failed', unit: '', better: 'lower', show: true, digits: 0 },
  { key: 'loadP50', label: 'load join → state received p50', unit: 'ms', better: 'lower', show: true },
];

const WARM_METRICS: MetricSpec[] = [
  { key: 'synced', label: 'connect → synced', unit: 'ms', better: 'lower', show: true, verdict: true },
  { key: 'step2', label: 'connect → step 2 received', unit: 'ms', better: 'lower', show: true },
];

/** Stores `state` as document `docId` through a Tandem connection; resolves once acknowledged as stored. */
async function storeThroughTandem(connection: TandemConnection, docId: string, state: Uint8Array): Promise<void> {
  await connection.join(docId, null);
  await withTimeout(
    new Promise<void>((resolve, reject) =>
      connection.sendUpdate(docId, state, (ok) => (ok ? resolve() : reject(new Error(`storing ${docId} refused`)))),
    ),
    60_000,
    `storing ${docId}`,
  );
  connection.leave(docId);
}

async function waitUnloaded(server: ServerProcess): Promise<void> {
  let loaded = -1;
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    loaded = (await tandemHealth(server))?.documentsLoaded ?? -1;
    if (loaded === 0) return;
    await sleep(10);
  }
  throw new Error(`Tandem kept ${loaded} document(s) loaded (is IDLE_UNLOAD_MS honoured?)`);
}

function buildDocument(trace: SequentialTrace, times: number): { state: Uint8Array; ok: boolean; chars: number } {
  const doc = new Y.Doc();
  const expected = replaySequential(trace, doc, times);
  const text = doc.getText('t').toString();
  return { state: Y.encodeStateAsUpdate(doc), ok: text === expected, chars: text.length };
}

export async function runColdLoad(run: RunOptions, options: ColdLoadOptions): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  const loaded = loadTrace('automerge-paper', 50_000);
  const trace = loaded.trace as SequentialTrace;
  const tandemKinds = run.servers.filter((k) => protocolOf(k) === 'tandem');
  const holders = run.servers.filter((k) => TRAITS[k].holdsDocument);

  for (const times of options.times) {
    const started = performance.now();
    const built = buildDocument(trace, times);
    const label = times === 1 ? loaded.name : `${loaded.name} ×${times}`;
    note(
      `cold load: ${label}: ${built.chars.toLocaleString('en-US')} chars, state ${built.state.byteLength.toLocaleString('en-US')} B, replay ${built.ok ? 'matches' : 'DOES NOT match'} endContent`,
    );
    const notes = [
      `Document: ${label}, ${(loaded.edits * times).toLocaleString('en-US')} edits, ${built.chars.toLocaleString('en-US')} characters, ` +
        `Yjs state ${built.state.byteLength.toLocaleString('en-US')} bytes; replay ${built.ok ? 'equals' : 'DIFFERS FROM'} the trace's endContent.`,
    ];

    // (a) + (b): Tandem cold loads.
    if (tandemKinds.length > 0) {
      const copies = 4;
      const coldReps: Partial<Record<ServerKind, RepMetrics[]>> = {};
      const interference: Partial<Record<ServerKind, RepMetrics[]>> = {};
      await withServers(
        tandemKinds,
        run,
        () => ({ env: { IDLE_UNLOAD_MS: '0' } }),
        async (servers) => {
          for (const server of servers) {
            const connection = new TandemConnection(server.port);
            await connection.opened;
            const docIds = Array.from({ length: copies }, (_, i) => `cold-${times}-${i}`);
            for (const docId of docIds) await storeThroughTandem(connection, docId, built.state);
            await waitUnloaded(server);
            const db = new Database(path.join(server.dataDir!, 'tandem.db'), { readonly: true, fileMustExist: true });
            const rows = db.prepare<[string], { data: Buffer; codec: number }>(
              'SELECT data, codec FROM updates WHERE doc_id = ? ORDER BY seq',
            );
            const floor = (docId: string): number => {
              const t0 = performance.now();
              const doc = new Y.Doc();
              const data = rows.all(docId);
              doc.transact(() => {
                for (const row of data) Y.applyUpdate(doc, decodeRow(row.data, row.codec));
              });
              const ms = performance.now() - t0;
              doc.destroy();
              return ms;
            };
            const coldJoin = async (docId: string): Promise<{ synced: number; step2: number }> => {
              const doc = new Y.Doc();
              const timing = await connection.join(docId, doc);
              connection.leave(docId);
              doc.destroy();
              return { synced: timing.synced - timing.start, step2: timing.step2 - timing.start };
            };
            // Warm-up (JIT on both sides), then alternate floor and cold join.
            floor(docIds[0]!);
            await coldJoin(docIds[0]!);
            await waitUnloaded(server);
            const reps: RepMetrics[] = [];
            for (let i = 0; i < run.reps; i++) {
              const docId = docIds[i % copies]!;
              const f = floor(docId);
              const cold = await coldJoin(docId);
              await waitUnloaded(server);
              reps.push({ ...cold, floor: f, ratio: cold.synced / f });
            }
            coldReps[server.kind] = reps;
            db.close();

            if (options.interferenceMs > 0) {
              interference[server.kind] = [await loadsUnderTraffic(server, connection, docIds, options.interferenceMs)];
            }
            connection.close();
          }
        },
      );
      results.push({
        id: `coldload-${times}`,
        title: `5a. Cold load, ${label}`,
        description:
          `Join → synced for a stored, unloaded document (Tandem, IDLE_UNLOAD_MS=0), against the floor of reading its rows ` +
          `from SQLite and applying them to a Y.Doc, alternated. Target: synced ≤ 1.2 × floor.`,
        config: {
          times,
          trace: loaded.name,
          stateBytes: built.state.byteLength,
          chars: built.chars,
          replayMatches: built.ok,
        },
        servers: tandemKinds,
        metrics: COLD_METRICS,
        reps: coldReps,
        notes,
        seconds: (performance.now() - started) / 1000,
      });
      if (options.interferenceMs > 0) {
        results.push({
          id: `coldload-traffic-${times}`,
          title: `5b. Edit latency while 4 cold loads/s of ${label} happen`,
          description:
            `Writers type in 10 other documents (2 clients each, 10 keys/s, awareness 10 Hz) for ${options.interferenceMs / 1000} s ` +
            `without, then ${options.interferenceMs / 1000} s with 4 cold loads per second of the big document. Target: p99 ≤ 20 ms.`,
          config: { times, interferenceMs: options.interferenceMs },
          servers: tandemKinds,
          metrics: INTERFERENCE_METRICS,
          reps: interference,
          notes: ['One repetition (a quiet half, then a loaded half).'],
        });
      }
    }

    // (c): warm join on every server that holds documents.
    if (holders.length > 0) {
      const warmStarted = performance.now();
      const seeders = new Map<ServerKind, BenchClient>();
      const reps = await withServers(
        holders,
        run,
        () => ({}),
        async (servers) => {
          for (const server of servers) {
            const seeder = await joinDoc(server.kind, {
              port: server.port,
              docId: `warm-${times}`,
              doc: null,
              timeoutMs: 60_000,
            });
            await new Promise<void>((resolve) => seeder.sendUpdate(built.state, () => resolve()));
            // A probe join proves the server holds the whole document before timing starts.
            let chars = -1;
            for (let attempt = 0; attempt < 20 && chars !== built.chars; attempt++) {
              await sleep(attempt === 0 ? 50 : 250);
              const probe = new Y.Doc();
              const check = await joinDoc(server.kind, {
                port: server.port,
                docId: `warm-${times}`,
                doc: probe,
                timeoutMs: 60_000,
              });
              check.close();
              chars = probe.getText('t').length;
            }
            if (chars !== built.chars) throw new Error(`${server.kind} did not take the document (${chars} chars)`);
            seeders.set(server.kind, seeder);
          }
          return alternate(
            servers,
            run.reps,
            async (server) => {
              const doc = new Y.Doc();
              const client = await joinDoc(server.kind, {
                port: server.port,
                docId: `warm-${times}`,
                doc,
                timeoutMs: 60_000,
              });
              client.close();
              const ok = doc.getText('t').length === built.chars;
              doc.destroy();
              await sleep(20);
              return {
                synced: ok ? client.timing.synced - client.timing.start : Number.NaN,
                step2: client.timing.step2 - client.timing.start,
              };
            },
            `warm join ${label}`,
          );
        },
      );
      for (const seeder of seeders.values()) seeder.close();
      results.push({
        id: `warmjoin-${times}`,
        title: `5c. Warm join, ${label} in memory`,
        description:
          'A new client connects and syncs the big document while the server already holds it in memory; ' +
          "time from opening the connection to the Y.Doc having applied the server's state.",
        config: { times, stateBytes: built.state.byteLength },
        servers: holders,
        metrics: WARM_METRICS,
        reps,
        notes: [],
        seconds: (performance.now() - warmStarted) / 1000,
      });
    }
  }
  return results;
}

/** Edit latency in other documents without, then with, 4 cold loads per second. */
async function loadsUnderTraffic(
  server: ServerProcess,
  connection: TandemConnection,
  docIds: string[],
  ms: number,
): Promise<RepMetrics> {
  const config: LatencyConfig = {
    clientsPerDoc: 2,
    docs: 10,
    writersPerDoc: 1,
    keysPerSec: 10,
    awarenessHz: 10,
    warmupMs: 300,
    measureMs: ms,
    drainMs: 2_000,
  };
  const quiet = await latencyRep(server, config);
  const loadTimes: number[] = [];
  let running = true;
  let next = 0;
  let failures = 0;
  const loads = (async () => {
    // One load every 250 ms; each copy is loaded at most once per second, so it is unloaded again in between.
    const start = performance.now();
    let k = 0;
    const inflight: Promise<void>[] = [];
    while (running && k < 1000) {
      const due = start + k * 250;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      if (!running) break;
      const docId = docIds[next++ % docIds.length]!;
      inflight.push(
        (async () => {
          try {
            // No Y.Doc: applying a big document here would stall this process, which also times
            // the other documents' edits. Measured: join → the whole state received.
            const timing = await withTimeout(connection.join(docId, null), 10_000, `load ${docId}`);
            loadTimes.push(timing.synced - timing.start);
          } catch {
            failures++;
          }
          connection.leave(docId);
        })(),
      );
      k++;
    }
    await Promise.all(inflight);
  })();
  const loaded = await latencyRep(server, config);
  running = false;
  await loads;
  loadTimes.sort((a, b) => a - b);
  return {
    quietP50: quiet.p50!,
    quietP99: quiet.p99!,
    loadedP50: loaded.p50!,
    loadedP99: loaded.p99!,
    loadsDone: loadTimes.length,
    loadsFailed: failures,
    loadP50: loadTimes[Math.floor(loadTimes.length / 2)] ?? Number.NaN,
  };
}
