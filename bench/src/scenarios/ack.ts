/**
 * Scenario 3 — acknowledged durability. Writers send 1,000 updates/s in total (spread over
 * several documents, each with a second member that receives the broadcast); a sample is
 * the time from emitting the update to Tandem's acknowledgement, which the protocol sends
 * only once the update is committed to SQLite (synchronous=FULL). Only servers that store
 * before acknowledging take part.
 */
import * as Y from 'yjs';
import { joinDoc, type BenchClient } from '../clients/index.js';
import { distribution } from '../lib/stats.js';
import { mapLimit, note, sleep } from '../lib/util.js';
import { counterDelta, histogramQuantile, parseScrape } from '../lib/prometheus.js';
import { protocolOf, tandemMetrics, type ServerProcess } from '../servers/index.js';
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

export interface AckConfig {
  docs: number;
  updatesPerSec: number;
  warmupMs: number;
  measureMs: number;
}

const METRICS: MetricSpec[] = [
  { key: 'p50', label: 'ack p50', unit: 'ms', better: 'lower', show: true },
  { key: 'p99', label: 'ack p99', unit: 'ms', better: 'lower', show: true, verdict: true },
  { key: 'p999', label: 'ack p99.9', unit: 'ms', better: 'lower', show: true },
  { key: 'max', label: 'ack max', unit: 'ms', better: 'lower', show: false },
  { key: 'rate', label: 'updates/s sent', unit: '/s', better: 'higher', show: true, digits: 0 },
  { key: 'failed', label: 'refused', unit: '', better: 'lower', show: true, digits: 0 },
  { key: 'serverAckP99', label: "server's view: ack p99 ≤", unit: 'ms', better: 'lower', show: true },
  { key: 'commitP99', label: "server's view: SQLite commit p99 ≤", unit: 'ms', better: 'lower', show: true },
  { key: 'perCommit', label: "server's view: updates per commit", unit: '', better: 'higher', show: true, digits: 1 },
  ...LOAD_METRICS,
];

/** One repetition: `config.docs` writers sending at the offered rate; with a placement, on the nodes it says. */
export async function ackRep(server: ServerProcess, config: AckConfig, placement?: Placement): Promise<RepMetrics> {
  const writers: { client: BenchClient; doc: Y.Doc }[] = [];
  const others: BenchClient[] = [];
  await mapLimit(
    Array.from({ length: config.docs }, (_, i) => i),
    10,
    async () => {
      const docId = freshDocId('ack');
      const doc = new Y.Doc();
      others.push(...(await joinAnchor(server.kind, placement, docId)));
      const port = (i: number): number => placement?.portOf(i) ?? server.port;
      writers.push({ client: await joinDoc(server.kind, { port: port(0), docId, doc }), doc });
      others.push(await joinDoc(server.kind, { port: port(1), docId, doc: null }));
    },
  );
  const samples: number[] = [];
  let failed = 0;
  let measuring = false;
  let outstanding = 0;
  let sent = 0;
  let sentMeasured = 0;
  const sendOne = (): void => {
    const writer = writers[sent % writers.length]!;
    let update: Uint8Array | null = null;
    const capture = (u: Uint8Array): void => {
      update = u;
    };
    writer.doc.once('update', capture);
    const text = writer.doc.getText('t');
    text.insert(text.length, 'x');
    const recorded = measuring;
    const t0 = performance.now();
    outstanding++;
    sent++;
    if (recorded) sentMeasured++;
    writer.client.sendUpdate(update!, (ok) => {
      outstanding--;
      if (!ok) failed++;
      else if (recorded) samples.push(performance.now() - t0);
    });
  };
  // Open-loop pacing: every tick sends whatever is due by now, so a slow acknowledgement
  // never slows the offered load down.
  const meter = new Meter(server);
  let scrapeBefore: Promise<string | null> = Promise.resolve(null);
  const start = performance.now();
  const endAt = start + config.warmupMs + config.measureMs;
  let measureStart = Number.NaN;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      if (!measuring && now >= start + config.warmupMs && Number.isNaN(measureStart)) {
        measuring = true;
        measureStart = now;
        meter.start();
        scrapeBefore = tandemMetrics(server);
      }
      if (now >= endAt) {
        measuring = false;
        resolve();
        return;
      }
      const due = Math.floor(((now - start) * config.updatesPerSec) / 1000);
      // Bounded catch-up: never more than 100 at once after a stall.
      for (let n = 0; sent < due && n < 100; n++) sendOne();
      setTimeout(tick, 1);
    };
    tick();
  });
  const load = meter.stop();
  const scrapeAfter = await tandemMetrics(server);
  const serverView = serverViewOf(await scrapeBefore, scrapeAfter);
  const drainUntil = performance.now() + 5_000;
  while (outstanding > 0 && performance.now() < drainUntil) await sleep(5);
  for (const w of writers) w.client.close();
  for (const o of others) o.close();
  await sleep(50);
  const dist = distribution(samples);
  return {
    p50: dist.p50,
    p99: dist.p99,
    p999: dist.p999,
    max: dist.max,
    rate: sentMeasured / load.seconds,
    failed: failed + outstanding,
    ...serverView,
    ...load,
  };
}

/** What the server itself measured over the window, from two scrapes of its /metrics (histogram bucket bounds). */
function serverViewOf(before: string | null, after: string | null): Partial<RepMetrics> {
  if (before === null || after === null) return {};
  const [a, b] = [parseScrape(before), parseScrape(after)];
  const commits = counterDelta(a, b, 'tandem_commit_batch_updates_count');
  return {
    serverAckP99: histogramQuantile(a, b, 'tandem_ack_latency_seconds', 0.99) * 1000,
    commitP99: histogramQuantile(a, b, 'tandem_sqlite_commit_seconds', 0.99) * 1000,
    perCommit: commits > 0 ? counterDelta(a, b, 'tandem_commit_batch_updates_sum') / commits : Number.NaN,
  };
}

export async function runAck(
  run: RunOptions,
  config: Omit<AckConfig, 'warmupMs' | 'measureMs'>,
  timing: { warmupMs: number; measureMs: number },
): Promise<ScenarioResult[]> {
  const kinds = run.servers.filter((k) => protocolOf(k) === 'tandem');
  if (kinds.length === 0) return [];
  const started = performance.now();
  const full: AckConfig = { ...config, ...timing };
  const reps = await withServers(
    kinds,
    run,
    () => ({}),
    (servers) =>
      alternate(
        servers,
        run.reps,
        (server, _i, warmup) => ackRep(server, warmup ? { ...full, warmupMs: 200, measureMs: 500 } : full),
        'ack latency',
      ),
  );
  note(`ack latency done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return [
    {
      id: 'ack',
      title: `3. Acknowledged durability at ${config.updatesPerSec.toLocaleString('en-US')} updates/s`,
      description:
        `${config.docs} documents with one writer and one other member each, ${config.updatesPerSec} updates/s in total (open loop); ` +
        `time from emitting an update to Tandem's "stored" acknowledgement (SQLite, WAL, synchronous=FULL; group commit). ` +
        `Target: p99 ≤ 5 ms. Peers do not store before acknowledging, so this is Tandem against the target only.`,
      config: { ...full },
      servers: kinds,
      metrics: METRICS,
      reps,
      notes: [],
      seconds: (performance.now() - started) / 1000,
    },
  ];
}
