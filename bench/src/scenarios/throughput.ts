/**
 * Scenario 2 — relay throughput at saturation. Writers send one-character Yjs updates as
 * fast as the server relays them, in a closed loop: each document keeps at most `window`
 * updates in flight (sent but not yet delivered to every other member). Receivers only
 * count what arrives (no Y.Doc), so the generator stays light. Deliveries are counted to
 * the other members only; echoes of a sender's own update (which some servers send) are
 * discounted.
 */
import * as Y from 'yjs';
import { joinDoc, type BenchClient } from '../clients/index.js';
import { mapLimit, note, sleep } from '../lib/util.js';
import { counterDelta, parseScrape } from '../lib/prometheus.js';
import { TRAITS, tandemMetrics, type ServerProcess } from '../servers/index.js';
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

export interface ThroughputConfig {
  docs: number;
  clientsPerDoc: number;
  /** The first `writersPerDoc` clients of each document write; all of them receive. */
  writersPerDoc: number;
  /** Updates in flight per document. */
  window: number;
  warmupMs: number;
  measureMs: number;
  /** Several nodes: which node owns each document and where each client connects. */
  placement?: Placement;
}

const METRICS: MetricSpec[] = [
  {
    key: 'deliveriesPerSec',
    label: 'deliveries/s',
    unit: '/s',
    better: 'higher',
    show: true,
    verdict: true,
    digits: 0,
  },
  {
    key: 'serverDeliveriesPerSec',
    label: "server's view: sent/s",
    unit: '/s',
    better: 'higher',
    show: true,
    digits: 0,
  },
  { key: 'updatesPerSec', label: 'updates in/s', unit: '/s', better: 'higher', show: true, digits: 0 },
  { key: 'cpuUsPerDelivery', label: 'server CPU µs/delivery', unit: 'µs', better: 'lower', show: true, digits: 2 },
  { key: 'lost', label: 'undelivered', unit: '', better: 'lower', show: false, digits: 0 },
  ...LOAD_METRICS,
];

/**
 * A writer's updates come from a detached Y.Doc with its own client id, generated before the
 * measurement starts (and on demand if the pool runs out), so the generator's CPU goes to the
 * wire rather than to Yjs.
 */
class UpdatePool {
  private readonly doc = new Y.Doc();
  private readonly updates: Uint8Array[] = [];
  private next = 0;

  constructor(size: number) {
    this.doc.on('update', (update: Uint8Array) => this.updates.push(update));
    this.fill(size);
  }

  private fill(count: number): void {
    const text = this.doc.getText('t');
    for (let i = 0; i < count; i++) text.insert(text.length, 'x');
  }

  take(): Uint8Array {
    if (this.next >= this.updates.length) this.fill(256);
    const update = this.updates[this.next]!;
    this.updates[this.next++] = EMPTY;
    return update;
  }
}

const EMPTY = new Uint8Array(0);

interface DocLoad {
  writers: { pool: UpdatePool; client: BenchClient }[];
  sent: number;
  received: number;
  /** Deliveries each update owes: members (echoing servers) or other members. */
  fanout: number;
  next: number;
}

/**
 * The clients of one server for this scenario, connected once and measured several times
 * (setting up 1,000 Socket.IO connections per repetition would dominate the run).
 */
export class ThroughputSession {
  private readonly loads: DocLoad[] = [];
  private readonly clients: BenchClient[] = [];
  private running = false;
  private totalReceived = 0;
  private totalSent = 0;
  private readonly scheduled = new Set<DocLoad>();
  private flushQueued = false;
  private readonly echo: boolean;

  private constructor(
    readonly server: ServerProcess,
    readonly config: ThroughputConfig,
  ) {
    this.echo = TRAITS[server.kind].echoesUpdates;
  }

  static async open(server: ServerProcess, config: ThroughputConfig, poolSeconds: number): Promise<ThroughputSession> {
    const session = new ThroughputSession(server, config);
    // Enough updates for ~60k updates/s over the expected measuring time, shared by all writers.
    const poolSize = Math.min(
      20_000,
      Math.max(64, Math.ceil((60_000 * poolSeconds) / (config.docs * config.writersPerDoc))),
    );
    for (let d = 0; d < config.docs; d++) {
      const docId = freshDocId('thr');
      const load: DocLoad = {
        writers: [],
        sent: 0,
        received: 0,
        fanout: session.echo ? config.clientsPerDoc : config.clientsPerDoc - 1,
        next: 0,
      };
      session.loads.push(load);
      session.clients.push(...(await joinAnchor(server.kind, config.placement, docId)));
      const joined = await mapLimit(
        Array.from({ length: config.clientsPerDoc }, (_, i) => i),
        50,
        (i) =>
          joinDoc(server.kind, {
            port: config.placement?.portOf(i) ?? server.port,
            docId,
            doc: null,
            handlers: { onUpdate: () => session.onReceive(load), onAwareness: () => undefined },
          }).then((client) => {
            if (i < config.writersPerDoc) load.writers.push({ pool: new UpdatePool(poolSize), client });
            return client;
          }),
      );
      session.clients.push(...joined);
    }
    return session;
  }

  private pump(load: DocLoad): void {
    const limit = this.config.window * load.fanout;
    while (this.running && load.sent * load.fanout - load.received < limit) {
      const writer = load.writers[load.next++ % load.writers.length]!;
      writer.client.sendUpdate(writer.pool.take());
      load.sent++;
      this.totalSent++;
    }
  }

  private readonly flush = (): void => {
    this.flushQueued = false;
    for (const load of this.scheduled) this.pump(load);
    this.scheduled.clear();
  };

  private onReceive(load: DocLoad): void {
    load.received++;
    this.totalReceived++;
    // Refill once half the window has drained, batching sends per event-loop turn.
    if (
      this.running &&
      !this.scheduled.has(load) &&
      load.sent * load.fanout - load.received <= (this.config.window * load.fanout) / 2
    ) {
      this.scheduled.add(load);
      if (!this.flushQueued) {
        this.flushQueued = true;
        setImmediate(this.flush);
      }
    }
  }

  /** One repetition: saturate for warm-up + measure, then let everything in flight arrive. */
  async measure(warmupMs: number, measureMs: number): Promise<RepMetrics> {
    const { config } = this;
    this.running = true;
    for (const load of this.loads) this.pump(load);
    await sleep(warmupMs);
    const meter = new Meter(this.server);
    const received0 = this.totalReceived;
    const sent0 = this.totalSent;
    meter.start();
    const scrapeBefore = tandemMetrics(this.server);
    await sleep(measureMs);
    const received = this.totalReceived - received0;
    const sent = this.totalSent - sent0;
    const load = meter.stop();
    const [before, after] = await Promise.all([scrapeBefore, tandemMetrics(this.server)]);
    this.running = false;
    // Let what is in flight arrive, so the next repetition (of any server) starts on a quiet machine.
    const drainUntil = performance.now() + 5_000;
    while (this.loads.some((l) => l.received < l.sent * l.fanout) && performance.now() < drainUntil) await sleep(10);
    const lost = this.loads.reduce((sum, l) => sum + Math.max(0, l.sent * l.fanout - l.received), 0);
    // Start the next repetition from a clean slate even if something was lost.
    for (const l of this.loads) l.received = l.sent * l.fanout;
    const per = config.clientsPerDoc - 1;
    const useful = (received * per) / (this.echo ? config.clientsPerDoc : per);
    const deliveriesPerSec = useful / load.seconds;
    // Tandem's own count of what it sent to other members (/metrics), next to what the clients counted.
    const serverSent =
      before !== null && after !== null
        ? counterDelta(parseScrape(before), parseScrape(after), 'tandem_updates_out_total') / load.seconds
        : Number.NaN;
    return {
      deliveriesPerSec,
      serverDeliveriesPerSec: serverSent,
      updatesPerSec: sent / load.seconds,
      cpuUsPerDelivery: (load.srvCpu * 1e6) / deliveriesPerSec,
      lost,
      ...load,
    };
  }

  close(): void {
    for (const client of this.clients) client.close();
  }
}

/** One self-contained repetition (connect, measure, close). */
export async function throughputRep(server: ServerProcess, config: ThroughputConfig): Promise<RepMetrics> {
  const session = await ThroughputSession.open(server, config, (config.warmupMs + config.measureMs) / 1000);
  try {
    return await session.measure(config.warmupMs, config.measureMs);
  } finally {
    session.close();
    await sleep(100);
  }
}

export interface ThroughputShape {
  name: string;
  docs: number;
  clientsPerDoc: number;
  writersPerDoc: number;
  window: number;
}

export async function runThroughput(
  run: RunOptions,
  shapes: ThroughputShape[],
  timing: { warmupMs: number; measureMs: number },
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  await withServers(
    run.servers,
    run,
    () => ({}),
    async (servers) => {
      for (const shape of shapes) {
        const started = performance.now();
        const config: ThroughputConfig = { ...shape, ...timing };
        const sessions = new Map<ServerProcess, ThroughputSession>();
        const poolSeconds = ((timing.warmupMs + timing.measureMs) * (run.reps + 1)) / 1000;
        let reps;
        try {
          reps = await alternate(
            servers,
            run.reps,
            async (server, _i, warmup) => {
              let session = sessions.get(server);
              if (!session) {
                session = await ThroughputSession.open(server, config, poolSeconds);
                sessions.set(server, session);
              }
              return warmup ? session.measure(200, 500) : session.measure(timing.warmupMs, timing.measureMs);
            },
            `throughput ${shape.name}`,
          );
        } finally {
          for (const session of sessions.values()) session.close();
          await sleep(200);
        }
        results.push({
          id: `throughput-${shape.name}`,
          title: `2. Relay throughput at saturation, ${shape.name}`,
          description:
            `${shape.docs} document(s) × ${shape.clientsPerDoc} clients, ${shape.writersPerDoc} writer(s) per document sending ` +
            `one-character updates in a closed loop (${shape.window} in flight per document); deliveries/s to other members.`,
          config: { ...config },
          servers: servers.map((s) => s.kind),
          metrics: METRICS,
          reps,
          notes: [],
          seconds: (performance.now() - started) / 1000,
        });
        note(`throughput ${shape.name} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      }
    },
  );
  return results;
}
