/**
 * Scenario 1 — keystroke → remote apply latency. Writers type one character at a time
 * (10 keys/s each) into their own Y.Doc and send cursor awareness at 10 Hz; every other
 * client in the document applies the relayed update to its Y.Doc. A sample is the time
 * from just before the writer's edit to just after the receiver's Y.applyUpdate, both on
 * the bench process's clock, for every (keystroke, receiver) pair.
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { REMOTE, joinDoc, type BenchClient } from '../clients/index.js';
import { distribution, type Distribution } from '../lib/stats.js';
import { mapLimit, note, sleep } from '../lib/util.js';
import type { ServerKind, ServerProcess } from '../servers/index.js';
import {
  LOAD_METRICS,
  Meter,
  alternate,
  freshDocId,
  joinAnchor,
  withServers,
  type MetricSpec,
  type Placement,
  type RepMetrics,
  type RunOptions,
  type ScenarioResult,
} from './common.js';

export interface LatencyConfig {
  /** Clients in each document (writers included). */
  clientsPerDoc: number;
  docs: number;
  writersPerDoc: number;
  keysPerSec: number;
  awarenessHz: number;
  warmupMs: number;
  measureMs: number;
  /** Longest wait for the last keystrokes to arrive. */
  drainMs: number;
  /** Several nodes: which node owns each document and where each client connects. */
  placement?: Placement;
}

const METRICS: MetricSpec[] = [
  { key: 'p50', label: 'p50', unit: 'ms', better: 'lower', show: true, verdict: true },
  { key: 'p90', label: 'p90', unit: 'ms', better: 'lower', show: false },
  { key: 'p99', label: 'p99', unit: 'ms', better: 'lower', show: true, verdict: true },
  { key: 'p999', label: 'p99.9', unit: 'ms', better: 'lower', show: true },
  { key: 'max', label: 'max', unit: 'ms', better: 'lower', show: false },
  { key: 'samples', label: 'samples', unit: '', better: 'higher', show: true, digits: 0 },
  { key: 'lost', label: 'not delivered', unit: '', better: 'lower', show: true, digits: 0 },
  // The cost that decides how many typists one core serves: the server's CPU (every thread,
  // from /proc) over the window ÷ keystrokes typed in it, awareness and fan-out included.
  {
    key: 'srvCpuPerKey',
    label: 'server CPU per keystroke',
    unit: 'µs',
    better: 'lower',
    show: true,
    verdict: true,
    digits: 0,
  },
  ...LOAD_METRICS,
];

interface Writer {
  client: BenchClient;
  doc: Y.Doc;
  awareness: awarenessProtocol.Awareness;
  /** Send time of each of this writer's keystrokes, by Yjs clock; NaN when outside the window. */
  sentAt: Float64Array;
  typed: number;
  cursor: number;
}

interface Receiver {
  doc: Y.Doc;
  /** Per writer of the document: how many of its keystrokes this receiver has applied. */
  seen: Int32Array;
}

/** One repetition against one server; returns its metrics and raw samples. */
export async function latencyRep(
  server: ServerProcess,
  config: LatencyConfig,
  samplesOut?: number[],
): Promise<RepMetrics> {
  const keysTotal = Math.ceil(((config.warmupMs + config.measureMs) / 1000) * config.keysPerSec) + 16;
  const samples: number[] = [];
  let measuring = false;
  let expected = 0;
  let keysMeasured = 0;
  const clients: BenchClient[] = [];
  const writers: Writer[] = [];

  for (let d = 0; d < config.docs; d++) {
    const docId = freshDocId('lat');
    const docWriters: Writer[] = [];
    const docs = Array.from({ length: config.clientsPerDoc }, () => new Y.Doc());
    const receivers: Receiver[] = docs.map((doc) => ({ doc, seen: new Int32Array(config.writersPerDoc) }));
    const check = (receiver: Receiver): void => {
      const now = performance.now();
      for (let w = 0; w < docWriters.length; w++) {
        const writer = docWriters[w]!;
        if (writer.doc === receiver.doc) continue;
        const state = Y.getState(receiver.doc.store, writer.doc.clientID);
        for (let k = receiver.seen[w]!; k < state; k++) {
          const sent = writer.sentAt[k]!;
          if (!Number.isNaN(sent)) samples.push(now - sent);
        }
        if (state > receiver.seen[w]!) receiver.seen[w] = state;
      }
    };
    clients.push(...(await joinAnchor(server.kind, config.placement, docId)));
    const joined = await mapLimit(receivers, 25, (receiver, i) =>
      joinDoc(server.kind, {
        port: config.placement?.portOf(i) ?? server.port,
        docId,
        doc: receiver.doc,
        handlers: {
          onUpdate: (update) => {
            Y.applyUpdate(receiver.doc, update, REMOTE);
            check(receiver);
          },
          // Receivers count presence but do not decode it: that work is the same for every server.
          onAwareness: () => undefined,
        },
      }),
    );
    clients.push(...joined);
    for (let w = 0; w < config.writersPerDoc; w++) {
      const doc = docs[w]!;
      const client = joined[w]!;
      const awareness = new awarenessProtocol.Awareness(doc);
      awareness.setLocalState({ user: { name: `writer ${w}`, color: '#3366cc' }, cursor: { anchor: 0, head: 0 } });
      const writer: Writer = {
        client,
        doc,
        awareness,
        sentAt: new Float64Array(keysTotal).fill(Number.NaN),
        typed: 0,
        cursor: 0,
      };
      doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin !== REMOTE) client.sendUpdate(update);
      });
      docWriters.push(writer);
      writers.push(writer);
    }
  }

  const meter = new Meter(server);
  const period = 1000 / config.keysPerSec;
  const awarenessPeriod = 1000 / config.awarenessHz;
  const timers: ReturnType<typeof setTimeout>[] = [];
  let typing = true;
  const t0 = performance.now();
  for (const writer of writers) {
    const phase = Math.random() * period;
    const text = writer.doc.getText('t');
    let k = 0;
    const keystroke = (): void => {
      if (!typing || writer.typed >= keysTotal) return;
      const clock = Y.getState(writer.doc.store, writer.doc.clientID);
      writer.cursor = Math.min(writer.cursor, text.length);
      if (measuring) {
        writer.sentAt[clock] = performance.now();
        expected += config.clientsPerDoc - 1;
        keysMeasured++;
      }
      text.insert(writer.cursor++, 'x');
      writer.typed++;
      k++;
      timers.push(setTimeout(keystroke, Math.max(0, t0 + phase + k * period - performance.now())));
    };
    let a = 0;
    const presence = (): void => {
      if (!typing) return;
      writer.awareness.setLocalStateField('cursor', { anchor: writer.cursor, head: writer.cursor });
      writer.client.sendAwareness(awarenessProtocol.encodeAwarenessUpdate(writer.awareness, [writer.doc.clientID]));
      a++;
      timers.push(
        setTimeout(presence, Math.max(0, t0 + phase + awarenessPeriod / 2 + a * awarenessPeriod - performance.now())),
      );
    };
    timers.push(setTimeout(keystroke, phase));
    timers.push(setTimeout(presence, phase + awarenessPeriod / 2));
  }

  await sleep(config.warmupMs);
  measuring = true;
  meter.start();
  await sleep(config.measureMs);
  measuring = false;
  const load = meter.stop();
  typing = false;
  const drainUntil = performance.now() + config.drainMs;
  while (samples.length < expected && performance.now() < drainUntil) await sleep(10);
  for (const timer of timers) clearTimeout(timer);
  for (const writer of writers) writer.awareness.destroy();
  for (const client of clients) client.close();
  samplesOut?.push(...samples);
  const dist = distribution(samples);
  await sleep(50);
  return {
    p50: dist.p50,
    p90: dist.p90,
    p99: dist.p99,
    p999: dist.p999,
    max: dist.max,
    samples: samples.length,
    lost: Math.max(0, expected - samples.length),
    srvCpuPerKey: keysMeasured > 0 ? (load.srvCpu * load.seconds * 1e6) / keysMeasured : Number.NaN,
    ...load,
  };
}

/**
 * How long every server is typed into, unrecorded, before a size's measured rounds. A fresh
 * Node server is still compiling its hot paths for the first seconds of this load (perf put
 * V8's optimising compiler at ~20 % of Tandem's CPU in the first second, under 2 % by the
 * third), and a server that has run for days has not: half a second measured the warm-up.
 */
const WARM_UP_TYPING_MS = 2_500;

/** A size of scenario 1: clients per document, documents, writers per document. */
export interface LatencySize {
  clientsPerDoc: number;
  docs: number;
  writersPerDoc: number;
}

export async function runLatency(
  run: RunOptions,
  sizes: LatencySize[],
  timing: { warmupMs: number; measureMs: number },
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  await withServers(
    run.servers,
    run,
    () => ({}),
    async (servers) => {
      for (const size of sizes) {
        const started = performance.now();
        const config: LatencyConfig = {
          ...size,
          keysPerSec: 10,
          awarenessHz: 10,
          warmupMs: timing.warmupMs,
          measureMs: timing.measureMs,
          drainMs: 2_000,
        };
        const pooledSamples = new Map<ServerKind, number[]>();
        const reps = await alternate(
          servers,
          run.reps,
          async (server, _i, warmup) => {
            const out: number[] = [];
            const metrics = await latencyRep(
              server,
              warmup ? { ...config, warmupMs: 200, measureMs: WARM_UP_TYPING_MS } : config,
              out,
            );
            if (!warmup) {
              const pooled = pooledSamples.get(server.kind) ?? [];
              for (const v of out) pooled.push(v);
              pooledSamples.set(server.kind, pooled);
            }
            return metrics;
          },
          `latency ${size.clientsPerDoc} clients/doc`,
        );
        const pooled: Partial<Record<ServerKind, Distribution>> = {};
        for (const [kind, samples] of pooledSamples) pooled[kind] = distribution(samples);
        results.push({
          id: `latency-${size.clientsPerDoc}`,
          title: `1. Keystroke → remote apply, ${size.clientsPerDoc} clients/doc`,
          description:
            `${size.docs} document(s) × ${size.clientsPerDoc} clients, ${size.writersPerDoc} writer(s) per document typing ` +
            `10 keys/s with cursor awareness at 10 Hz; time from the writer's Y.Doc edit to each other client's Y.applyUpdate (ms).`,
          config: { ...config },
          servers: servers.map((s) => s.kind),
          metrics: METRICS,
          reps,
          pooled,
          notes: [],
          seconds: (performance.now() - started) / 1000,
        });
        note(`latency ${size.clientsPerDoc}/doc done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      }
    },
  );
  return results;
}
