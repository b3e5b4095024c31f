/**
 * Scenario "history" — version history of a big document (Tandem only: the peers keep none).
 * The automerge-paper trace is typed ten times into ten paragraphs of one document (the
 * "10×" document, ~3 MB of Yjs state), stored through the protocol, with a named version
 * half-way through the last replay (A) and one at the end (B). Each repetition:
 *  (a) times a diff A → B, a diff A → the live document, and a restore of A then of B,
 *      end to end over HTTP, with nothing else running;
 *  (b) measures keystroke → remote apply in 10 other small documents (2 clients each,
 *      10 keys/s) and the server's event-loop lag, first idle, then while one client keeps
 *      diffing and restoring the big document (paired, in that order, every repetition).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from '@tandem/crdt-bridge/schema';
import { TandemConnection } from '../clients/index.js';
import { mainThreadCpuMs } from '../lib/proc.js';
import { parseScrape } from '../lib/prometheus.js';
import { TRACES_DIR, loadTrace, type SequentialTrace } from '../lib/traces.js';
import { note, sleep, withTimeout } from '../lib/util.js';
import { protocolOf, tandemMetrics, type ServerProcess } from '../servers/index.js';
import {
  alternate,
  withServers,
  type MetricSpec,
  type RepMetrics,
  type RunOptions,
  type ScenarioResult,
} from './common.js';
import { latencyRep, type LatencyConfig } from './latency.js';

/** How long each half (idle, busy) of a repetition measures keystrokes, and how many repetitions. */
export interface HistoryBenchOptions {
  measureMs: number;
  reps: number;
}

/** The 10× document's two versions, as encoded Yjs states. */
interface BigDocument {
  half: Uint8Array;
  end: Uint8Array;
  chars: number;
  edits: number;
  trace: string;
}

const TIMES = 10;
/** Wait after the restores, so the work they set off afterwards (title, search text after 2 s quiet) is counted. */
const SETTLE_MS = 4_000;
const CACHE_FORMAT = 1;

const OPS_METRICS: MetricSpec[] = [
  { key: 'diffMs', label: 'diff A → B', unit: 'ms', better: 'lower', show: true, verdict: true },
  { key: 'diffCurrentMs', label: 'diff A → live', unit: 'ms', better: 'lower', show: true },
  { key: 'restoreHalfMs', label: 'restore A', unit: 'ms', better: 'lower', show: true, verdict: true },
  { key: 'restoreEndMs', label: 'restore B', unit: 'ms', better: 'lower', show: true },
  { key: 'diffLoopMs', label: 'event-loop CPU, diff A → B', unit: 'ms', better: 'lower', show: true },
  { key: 'diffCurrentLoopMs', label: 'event-loop CPU, diff A → live', unit: 'ms', better: 'lower', show: true },
  {
    key: 'restoreLoopMs',
    label: 'event-loop CPU, restore A + B',
    unit: 'ms',
    better: 'lower',
    show: true,
    verdict: true,
  },
];

const TRAFFIC_METRICS: MetricSpec[] = [
  { key: 'idleP50', label: 'others p50, idle', unit: 'ms', better: 'lower', show: true },
  { key: 'idleP99', label: 'others p99, idle', unit: 'ms', better: 'lower', show: true },
  { key: 'busyP50', label: 'others p50, diff/restore running', unit: 'ms', better: 'lower', show: true },
  { key: 'busyP99', label: 'others p99, diff/restore running', unit: 'ms', better: 'lower', show: true, verdict: true },
  { key: 'idleLagMax', label: 'server loop lag max, idle', unit: 'ms', better: 'lower', show: true },
  { key: 'busyLagMax', label: 'server loop lag max, busy', unit: 'ms', better: 'lower', show: true, verdict: true },
  { key: 'busyLagP99', label: 'server loop lag p99, busy', unit: 'ms', better: 'lower', show: true },
  { key: 'opsDone', label: 'diffs + restores in the busy half', unit: '', better: 'higher', show: true, digits: 0 },
  { key: 'opsFailed', label: 'failed', unit: '', better: 'lower', show: true, digits: 0 },
  { key: 'otherCpu', label: 'other load (noise)', unit: 'core', better: 'lower', show: true, digits: 2 },
];

/** Types the trace into a paragraph of its own, `TIMES` times; the state half-way through the last replay is A. */
function buildDocument(trace: SequentialTrace): { half: Uint8Array; end: Uint8Array; chars: number } {
  const doc = new Y.Doc();
  const fragment = doc.getXmlFragment(CONTENT_FRAGMENT);
  let half: Uint8Array | null = null;
  const middle = Math.floor(trace.txns.length / 2);
  for (let r = 0; r < TIMES; r++) {
    const paragraph = new Y.XmlElement('paragraph');
    const text = new Y.XmlText();
    paragraph.insert(0, [text]);
    fragment.push([paragraph]);
    trace.txns.forEach((txn, i) => {
      doc.transact(() => {
        for (const [pos, del, ins] of txn.patches) {
          if (del > 0) text.delete(pos, del);
          if (ins) text.insert(pos, ins);
        }
      });
      if (r === TIMES - 1 && i === middle) half = Y.encodeStateAsUpdate(doc);
    });
  }
  const end = Y.encodeStateAsUpdate(doc);
  let chars = 0;
  for (const p of fragment.toArray()) chars += ((p as Y.XmlElement).firstChild as Y.XmlText).length;
  doc.destroy();
  return { half: half!, end, chars };
}

/**
 * The 10× document, built once (replaying takes ~30 s) and cached in the temporary directory
 * by the trace file's size and time: the cache holds only what the trace determines.
 */
function bigDocument(): BigDocument {
  const file = path.join(TRACES_DIR, 'automerge-paper.json.gz');
  const stat = fs.existsSync(file) ? fs.statSync(file) : null;
  const key = stat ? `${stat.size}-${Math.round(stat.mtimeMs)}` : 'synthetic';
  const cache = path.join(os.tmpdir(), `tandem-bench-history-${CACHE_FORMAT}-${key}.bin`);
  const loaded = loadTrace('automerge-paper', 50_000);
  const trace = loaded.trace as SequentialTrace;
  const edits = loaded.edits * TIMES;
  if (fs.existsSync(cache)) {
    const bytes = new Uint8Array(fs.readFileSync(cache));
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const halfLength = view.getUint32(0);
    const chars = view.getUint32(4);
    return {
      half: bytes.slice(8, 8 + halfLength),
      end: bytes.slice(8 + halfLength),
      chars,
      edits,
      trace: loaded.name,
    };
  }
  const t0 = performance.now();
  const built = buildDocument(trace);
  note(
    `history: built the ${TIMES}× document in ${((performance.now() - t0) / 1000).toFixed(1)} s (cached in ${cache})`,
  );
  const header = new DataView(new ArrayBuffer(8));
  header.setUint32(0, built.half.byteLength);
  header.setUint32(4, built.chars);
  fs.writeFileSync(cache, Buffer.concat([new Uint8Array(header.buffer), built.half, built.end]));
  return { ...built, edits, trace: loaded.name };
}

/** Sends `update` to `docId` and resolves once the server acknowledges it as stored. */
function store(connection: TandemConnection, docId: string, update: Uint8Array): Promise<void> {
  return withTimeout(
    new Promise<void>((resolve, reject) =>
      connection.sendUpdate(docId, update, (ok) => (ok ? resolve() : reject(new Error(`storing ${docId} refused`)))),
    ),
    60_000,
    `storing ${docId}`,
  );
}

/** One HTTP request, timed to the last byte of its body; the body is not parsed (that would stall the generator). */
async function timedRequest(url: string, init?: RequestInit): Promise<{ ms: number; body: ArrayBuffer }> {
  const t0 = performance.now();
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
  const body = await res.arrayBuffer();
  const ms = performance.now() - t0;
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${res.status} ${Buffer.from(body).toString()}`);
  return { ms, body };
}

/** Names the document's current state; returns the version id. */
async function nameVersion(server: ServerProcess, docId: string, name: string): Promise<number> {
  const { body } = await timedRequest(`${server.url}/api/docs/${docId}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  return (JSON.parse(Buffer.from(body).toString()) as { id: number }).id;
}

/** A seeded big document on one server, and what its requests are. */
interface Seeded {
  docId: string;
  connection: TandemConnection;
  diff: () => Promise<number>;
  diffCurrent: () => Promise<number>;
  restore: (which: 'half' | 'end') => Promise<number>;
}

/** Stores the big document on `server` with versions A (half) and B (end); a client stays joined, as a reader would. */
async function seed(server: ServerProcess, big: BigDocument): Promise<Seeded> {
  const docId = 'history-10x';
  const connection = new TandemConnection(server.port);
  await connection.join(docId, null);
  await store(connection, docId, big.half);
  const a = await nameVersion(server, docId, 'A: half-way through the last replay');
  await store(connection, docId, Y.diffUpdate(big.end, Y.encodeStateVectorFromUpdate(big.half)));
  const b = await nameVersion(server, docId, 'B: the end');
  const base = `${server.url}/api/docs/${docId}/versions`;
  const post = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' };
  return {
    docId,
    connection,
    diff: async () => (await timedRequest(`${base}/${a}/diff?against=${b}`)).ms,
    diffCurrent: async () => (await timedRequest(`${base}/${a}/diff?against=current`)).ms,
    restore: async (which) => (await timedRequest(`${base}/${which === 'half' ? a : b}/restore`, post)).ms,
  };
}

/** The server's event-loop lag since its previous scrape (prom-client resets its histogram at each scrape), in ms. */
async function serverLag(server: ServerProcess): Promise<{ max: number; p99: number }> {
  const scrape = parseScrape((await tandemMetrics(server)) ?? '');
  return {
    max: (scrape.get('tandem_nodejs_eventloop_lag_max_seconds') ?? Number.NaN) * 1000,
    p99: (scrape.get('tandem_nodejs_eventloop_lag_p99_seconds') ?? Number.NaN) * 1000,
  };
}

/** Keeps one client diffing and restoring the big document, one request at a time, until stopped. */
function historyWork(seeded: Seeded): { stop: () => Promise<{ done: number; failed: number }> } {
  let running = true;
  let done = 0;
  let failed = 0;
  const steps = [
    () => seeded.diff(),
    () => seeded.restore('half'),
    () => seeded.diffCurrent(),
    () => seeded.restore('end'),
  ];
  const loop = (async () => {
    for (let i = 0; running; i++) {
      try {
        await steps[i % steps.length]!();
        done++;
      } catch (err) {
        failed++;
        note(`history: ${(err as Error).message.slice(0, 300)}`);
      }
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { done, failed };
    },
  };
}

/** One repetition on one server: the requests alone, then keystrokes idle and busy. */
async function historyRep(server: ServerProcess, seeded: Seeded, measureMs: number): Promise<RepMetrics> {
  // The server's main thread alone: what a request costs the event loop, whatever else runs on the machine.
  const loop0 = mainThreadCpuMs(server.pid);
  const diffMs = await seeded.diff();
  const loop1 = mainThreadCpuMs(server.pid);
  const diffCurrentMs = await seeded.diffCurrent();
  const loop2 = mainThreadCpuMs(server.pid);
  const restoreHalfMs = await seeded.restore('half');
  const restoreEndMs = await seeded.restore('end');
  // Work a restore sets off after it answers (search, title, snapshots) counts too.
  await sleep(SETTLE_MS);
  const loop3 = mainThreadCpuMs(server.pid);
  const config: LatencyConfig = {
    clientsPerDoc: 2,
    docs: 10,
    writersPerDoc: 1,
    keysPerSec: 10,
    awarenessHz: 10,
    warmupMs: 300,
    measureMs,
    drainMs: 2_000,
  };
  await serverLag(server);
  const idle = await latencyRep(server, config);
  const idleLag = await serverLag(server);
  const work = historyWork(seeded);
  const busy = await latencyRep(server, config);
  const busyLag = await serverLag(server);
  const ops = await work.stop();
  return {
    diffMs,
    diffCurrentMs,
    restoreHalfMs,
    restoreEndMs,
    diffLoopMs: loop1 - loop0,
    diffCurrentLoopMs: loop2 - loop1,
    restoreLoopMs: loop3 - loop2,
    idleP50: idle.p50!,
    idleP99: idle.p99!,
    busyP50: busy.p50!,
    busyP99: busy.p99!,
    idleLagMax: idleLag.max,
    busyLagMax: busyLag.max,
    busyLagP99: busyLag.p99,
    opsDone: ops.done,
    opsFailed: ops.failed,
    otherCpu: Math.max(idle.otherCpu ?? 0, busy.otherCpu ?? 0),
  };
}

/** Runs the history scenario on every Tandem server of the run (e.g. tandem and tandem-before, alternating). */
export async function runHistory(run: RunOptions, options: HistoryBenchOptions): Promise<ScenarioResult[]> {
  const kinds = run.servers.filter((k) => protocolOf(k) === 'tandem');
  if (kinds.length === 0) return [];
  const started = performance.now();
  const big = bigDocument();
  const label = `${big.trace} ×${TIMES}`;
  note(
    `history: ${label}: ${big.chars.toLocaleString('en-US')} chars, state ${big.end.byteLength.toLocaleString('en-US')} B (A: ${big.half.byteLength.toLocaleString('en-US')} B)`,
  );
  const env = {
    // Every request of the run is let through, and no version is thinned while it runs.
    RESTORES_PER_HOUR: '100000000',
    RESTORES_BURST: '100000000',
    NAMED_VERSIONS_PER_HOUR: '100000000',
    NAMED_VERSIONS_BURST: '100000000',
    HISTORY_MAX_BYTES: String(2 ** 40),
  };
  const reps = await withServers(
    kinds,
    run,
    () => ({ env }),
    async (servers) => {
      const seeded = new Map<ServerProcess, Seeded>();
      for (const server of servers) seeded.set(server, await seed(server, big));
      try {
        return await alternate(
          servers,
          options.reps,
          (server, _i, warmup) => historyRep(server, seeded.get(server)!, warmup ? 500 : options.measureMs),
          'history',
        );
      } finally {
        for (const s of seeded.values()) s.connection.close();
      }
    },
  );
  const config = {
    trace: big.trace,
    times: TIMES,
    edits: big.edits,
    chars: big.chars,
    stateBytes: big.end.byteLength,
    versionABytes: big.half.byteLength,
    measureMs: options.measureMs,
  };
  const common = `The ${label} document (${big.chars.toLocaleString('en-US')} characters, ${(big.end.byteLength / 2 ** 20).toFixed(1)} MB of Yjs state); version A is half-way through its last replay, B its end.`;
  return [
    {
      id: 'history',
      title: `8a. History of a big document: diff and restore, ${label}`,
      description: `${common} Each request timed end to end over HTTP (to the last byte of the response), nothing else running. Target: diff ≤ 1 s.`,
      config,
      servers: kinds,
      metrics: OPS_METRICS,
      reps,
      notes: [],
      seconds: (performance.now() - started) / 1000,
    },
    {
      id: 'history-traffic',
      title: `8b. Other documents' keystrokes while the ${label} document is diffed and restored`,
      description:
        `${common} Writers type in 10 other documents (2 clients each, 10 keys/s, awareness 10 Hz) for ${options.measureMs / 1000} s ` +
        `idle, then ${options.measureMs / 1000} s while one client diffs (A → B, A → live) and restores (A, B) the big document ` +
        `back to back; the server's event-loop lag is its own (monitorEventLoopDelay via /metrics). Target: busy p99 ≤ 20 ms.`,
      config,
      servers: kinds,
      metrics: TRAFFIC_METRICS,
      reps,
      notes: ['Idle and busy halves run back to back in every repetition (paired).'],
    },
  ];
}
