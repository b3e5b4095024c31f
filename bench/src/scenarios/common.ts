import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SelfCpu, machineBusyMs } from '../lib/proc.js';
import { note, sleep } from '../lib/util.js';
import { startServer, type ServerKind, type ServerProcess, type StartOptions } from '../servers/index.js';
import type { Distribution } from '../lib/stats.js';
import { joinDoc, type BenchClient } from '../clients/index.js';

/** How a scenario's metric is judged. */
export interface MetricSpec {
  key: string;
  label: string;
  unit: string;
  better: 'lower' | 'higher';
  /** Shown in the per-scenario table. */
  show?: boolean;
  /** Used for the verdict (ratio Tandem ÷ peer). */
  verdict?: boolean;
  digits?: number;
}

/** One repetition's numbers for one server. */
export type RepMetrics = Record<string, number>;

/** What a scenario hands to the report. */
export interface ScenarioResult {
  id: string;
  title: string;
  /** What is measured, one paragraph. */
  description: string;
  config: Record<string, unknown>;
  servers: ServerKind[];
  metrics: MetricSpec[];
  /** reps[server][i]: repetition i (repetitions of different servers alternate). */
  reps: Partial<Record<ServerKind, RepMetrics[]>>;
  /** Latency distribution per server, all repetitions pooled (for the chart). */
  pooled?: Partial<Record<ServerKind, Distribution>>;
  notes: string[];
  /** A ready-made table, for scenarios whose rows are not servers. */
  table?: { headers: string[]; rows: string[][] };
  /** Anything else worth keeping in the JSON. */
  extra?: Record<string, unknown>;
  /** Seconds the scenario took. */
  seconds?: number;
}

/** Options shared by every scenario. */
export interface RunOptions {
  servers: ServerKind[];
  reps: number;
  /** Pin servers to CPU 0 (the bench process pins itself to CPU 1). */
  pin: boolean;
  /** Write a CPU profile of the Tandem server here. */
  cpuProfDir: string | null;
  /** Extra scale knob: 'quick' or 'full'. */
  tier: 'quick' | 'full' | 'smoke';
}

/** Starts each server, runs `fn`, and always stops them. */
export async function withServers<T>(
  kinds: readonly ServerKind[],
  run: RunOptions,
  extra: (kind: ServerKind) => StartOptions,
  fn: (servers: ServerProcess[]) => Promise<T>,
): Promise<T> {
  const servers: ServerProcess[] = [];
  try {
    for (const kind of kinds) {
      servers.push(
        await startServer(kind, {
          cpu: run.pin ? 0 : null,
          cpuProfDir: kind.startsWith('tandem') ? run.cpuProfDir : null,
          ...extra(kind),
        }),
      );
    }
    return await fn(servers);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

/**
 * Waits (at most `maxWaitMs`) until other work on the machine uses less than `threshold` of a
 * core, measured over half-second windows while our servers idle; returns the last reading.
 * Other people's builds and tests share these two cores.
 */
export async function awaitQuiet(label: string, maxWaitMs = 8_000, threshold = 0.3): Promise<number> {
  const deadline = Date.now() + maxWaitMs;
  let other = Number.NaN;
  for (;;) {
    const machine0 = machineBusyMs();
    const self0 = process.cpuUsage();
    const t0 = performance.now();
    await sleep(500);
    const seconds = (performance.now() - t0) / 1000;
    const self = process.cpuUsage(self0);
    other = (machineBusyMs() - machine0) / 1000 / seconds - (self.user + self.system) / 1e6 / seconds;
    if (!(other >= threshold) || Date.now() > deadline) break;
  }
  if (other >= threshold) note(`${label}: other work keeps ${other.toFixed(2)} cores busy; measuring anyway`);
  return other;
}

/**
 * Runs `rep` for every server, `reps` times, alternating servers (A B C, B C A, …) so that
 * slow drift of a noisy machine hits every server alike; one unrecorded warm-up round first.
 */
export async function alternate(
  servers: readonly ServerProcess[],
  reps: number,
  rep: (server: ServerProcess, index: number, warmup: boolean) => Promise<RepMetrics>,
  label: string,
  { waitForQuiet = true } = {},
): Promise<Partial<Record<ServerKind, RepMetrics[]>>> {
  const results: Partial<Record<ServerKind, RepMetrics[]>> = {};
  if (waitForQuiet) await awaitQuiet(label);
  for (const server of servers) {
    await rep(server, -1, true);
    results[server.kind] = [];
  }
  for (let i = 0; i < reps; i++) {
    for (let j = 0; j < servers.length; j++) {
      const server = servers[(i + j) % servers.length]!;
      if (!server.alive) throw new Error(`${server.kind} died:\n${server.recentOutput()}`);
      const metrics = await rep(server, i, false);
      results[server.kind]!.push(metrics);
    }
    note(`${label}: repetition ${i + 1}/${reps} done`);
  }
  return results;
}

/** Measures the load generator and the server around a measurement window. */
export class Meter {
  private readonly self = new SelfCpu();
  private readonly lag = monitorEventLoopDelay({ resolution: 1 });
  private serverCpu0 = 0;
  private machine0 = 0;
  private t0 = 0;

  constructor(private readonly server: ServerProcess) {}

  start(): void {
    this.self.reset();
    this.lag.reset();
    this.lag.enable();
    this.serverCpu0 = this.server.sample()?.cpuMs ?? Number.NaN;
    this.machine0 = machineBusyMs();
    this.t0 = performance.now();
  }

  /**
   * Generator and server CPU (share of one core), CPU used by everything else on the machine
   * (other people's work: noise), generator event-loop lag p99 (ms), server RSS (MB).
   */
  stop(): { genCpu: number; srvCpu: number; otherCpu: number; genLagP99: number; srvRssMB: number; seconds: number } {
    const seconds = (performance.now() - this.t0) / 1000;
    const sample = this.server.sample();
    const machine = (machineBusyMs() - this.machine0) / 1000 / seconds;
    this.lag.disable();
    const genCpu = this.self.share();
    const srvCpu = sample ? (sample.cpuMs - this.serverCpu0) / 1000 / seconds : Number.NaN;
    return {
      genCpu,
      srvCpu,
      otherCpu: Math.max(0, machine - genCpu - srvCpu),
      genLagP99: this.lag.percentile(99) / 1e6,
      srvRssMB: sample ? sample.rssBytes / 1048576 : Number.NaN,
      seconds,
    };
  }
}

/** Metrics every load scenario reports about the machine. */
export const LOAD_METRICS: MetricSpec[] = [
  { key: 'srvCpu', label: 'server CPU', unit: 'core', better: 'lower', show: true, digits: 2 },
  { key: 'genCpu', label: 'generator CPU', unit: 'core', better: 'lower', show: true, digits: 2 },
  { key: 'otherCpu', label: 'other load (noise)', unit: 'core', better: 'lower', show: true, digits: 2 },
  { key: 'genLagP99', label: 'generator loop lag p99', unit: 'ms', better: 'lower', show: false },
  { key: 'srvRssMB', label: 'server RSS', unit: 'MB', better: 'lower', show: false },
];

let unique = 0;
/** A document id no earlier repetition used. */
export function freshDocId(prefix: string): string {
  unique++;
  return `${prefix}-${process.pid.toString(36)}-${unique.toString(36)}`;
}

/**
 * Where a document's clients connect when the server is several nodes: an anchor client joins
 * on `anchorPort` first (so that node owns the document) and stays; client `i` then joins on
 * `portOf(i)`. Without a placement every client joins the one server.
 */
export interface Placement {
  anchorPort: number;
  portOf(clientIndex: number): number;
}

/** Joins the placement's anchor client for `docId` (none without a placement). */
export async function joinAnchor(
  kind: ServerKind,
  placement: Placement | undefined,
  docId: string,
): Promise<BenchClient[]> {
  if (!placement) return [];
  return [await joinDoc(kind, { port: placement.anchorPort, docId, doc: null })];
}
