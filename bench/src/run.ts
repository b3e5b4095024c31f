/**
 * `npm run bench` / `npm run bench:full`: Tandem against its peers, side by side.
 *
 *   tsx src/run.ts [--tier quick|full] [--only latency,throughput,ack,connections,coldload,storage,browser,cluster,history]
 *                  [--servers tandem,y-websocket,hocuspocus,y-socket.io,relay,tandem-shm,tandem-before]
 *                  [--reps N] [--profile] [--no-pin] [--no-build]
 *
 * Markdown goes to stdout; JSON, the Markdown and an SVG chart to bench/results/.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { markdown, verdicts, type RunMeta } from './lib/report.js';
import { ensureEditorBuilt } from './lib/chromium.js';
import { hasProgram, pinSelf } from './lib/proc.js';
import { latencyChart } from './lib/svg.js';
import { BENCH_DIR, REPO_DIR, note } from './lib/util.js';
import { runAck } from './scenarios/ack.js';
import { runBrowser, type BrowserConfig } from './scenarios/browser.js';
import { runCluster, type ClusterConfig } from './scenarios/cluster.js';
import { runColdLoad } from './scenarios/coldload.js';
import type { RunOptions, ScenarioResult } from './scenarios/common.js';
import { runConnections } from './scenarios/connections.js';
import { runHistory, type HistoryBenchOptions } from './scenarios/history.js';
import { runLatency, type LatencySize } from './scenarios/latency.js';
import { runStorage } from './scenarios/storage.js';
import { runThroughput, type ThroughputShape } from './scenarios/throughput.js';
import { DEFAULT_SERVERS, SERVER_KINDS, TANDEM_MAIN, type ServerKind } from './servers/index.js';
import { summariseProfiles } from './tools/profile-summary.js';

const SCENARIOS = [
  'latency',
  'throughput',
  'ack',
  'coldload',
  'storage',
  'connections',
  'browser',
  'cluster',
  'history',
] as const;
type ScenarioName = (typeof SCENARIOS)[number];

interface Tier {
  reps: number;
  latency: { sizes: LatencySize[]; warmupMs: number; measureMs: number };
  throughput: { shapes: ThroughputShape[]; warmupMs: number; measureMs: number };
  ack: { docs: number; updatesPerSec: number; warmupMs: number; measureMs: number };
  connections: { count: number; latencyMs: number };
  coldload: { times: number[]; interferenceMs: number };
  storage: { traces: string[] };
  browser: BrowserConfig;
  cluster: ClusterConfig;
  history: HistoryBenchOptions;
}

const LATENCY_SIZES: LatencySize[] = [
  { clientsPerDoc: 2, docs: 20, writersPerDoc: 1 },
  { clientsPerDoc: 10, docs: 4, writersPerDoc: 3 },
  { clientsPerDoc: 100, docs: 1, writersPerDoc: 5 },
];

const THROUGHPUT_SHAPES: ThroughputShape[] = [
  { name: '1 doc × 50 readers', docs: 1, clientsPerDoc: 51, writersPerDoc: 1, window: 256 },
  { name: '100 docs × 10 clients', docs: 100, clientsPerDoc: 10, writersPerDoc: 10, window: 16 },
];

const CLUSTER_SIZES = {
  latencyDocs: 20,
  ackDocs: 10,
  ackUpdatesPerSec: 1_000,
  throughputDocs: 1,
  readersPerDoc: 150,
};

const TIERS: Record<'quick' | 'full', Tier> = {
  quick: {
    reps: 5,
    latency: { sizes: LATENCY_SIZES, warmupMs: 200, measureMs: 800 },
    throughput: { shapes: THROUGHPUT_SHAPES, warmupMs: 200, measureMs: 800 },
    ack: { docs: 10, updatesPerSec: 1_000, warmupMs: 300, measureMs: 1_500 },
    connections: { count: 1_000, latencyMs: 1_000 },
    coldload: { times: [1], interferenceMs: 2_000 },
    storage: { traces: ['sveltecomponent', 'concurrent-clownschool'] },
    browser: {
      chars: 100_000,
      keys: 200,
      keyIntervalMs: 70,
      othersKeysPerSec: 10,
      crowd: 5,
      bigChars: 1_000_000,
      bigKeys: 60,
    },
    cluster: { ...CLUSTER_SIZES, warmupMs: 300, measureMs: 1_500 },
    // A diff of the 10× document takes a second or more: three repetitions keep the quick tier near a minute.
    history: { measureMs: 2_000, reps: 3 },
  },
  full: {
    reps: 7,
    latency: { sizes: LATENCY_SIZES, warmupMs: 500, measureMs: 3_000 },
    throughput: { shapes: THROUGHPUT_SHAPES, warmupMs: 500, measureMs: 3_000 },
    ack: { docs: 10, updatesPerSec: 1_000, warmupMs: 500, measureMs: 5_000 },
    connections: { count: 20_000, latencyMs: 3_000 },
    coldload: { times: [1, 10], interferenceMs: 5_000 },
    storage: {
      traces: [
        'automerge-paper',
        'seph-blog1',
        'sveltecomponent',
        'concurrent-clownschool',
        'concurrent-friendsforever',
      ],
    },
    browser: {
      chars: 100_000,
      keys: 700,
      keyIntervalMs: 70,
      othersKeysPerSec: 10,
      crowd: 5,
      bigChars: 1_000_000,
      bigKeys: 300,
    },
    cluster: { ...CLUSTER_SIZES, warmupMs: 500, measureMs: 4_000 },
    history: { measureMs: 5_000, reps: 7 },
  },
};

function listOf<T extends string>(raw: string | undefined, allowed: readonly T[], what: string): T[] | null {
  if (raw === undefined) return null;
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items)
    if (!allowed.includes(item as T)) throw new Error(`unknown ${what} "${item}" (one of ${allowed.join(', ')})`);
  return items as T[];
}

function build(withEditor: boolean): void {
  // The browser scenario loads the editor the server serves; `tsc -b` does not build it.
  if (withEditor) ensureEditorBuilt();
  const tsc = path.join(REPO_DIR, 'node_modules/.bin/tsc');
  try {
    execFileSync(tsc, ['-b'], { cwd: REPO_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const output =
      String((err as { stdout?: Buffer }).stdout ?? '') + String((err as { stderr?: Buffer }).stderr ?? '');
    if (!fs.existsSync(TANDEM_MAIN)) throw new Error(`building Tandem failed:\n${output}`);
    note(
      `warning: \`tsc -b\` failed; benchmarking the existing ${path.relative(REPO_DIR, TANDEM_MAIN)}:\n${output.slice(0, 2000)}`,
    );
  }
}

function commit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_DIR, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'apps', 'packages'], {
      cwd: REPO_DIR,
      encoding: 'utf8',
    }).trim();
    return dirty ? `${sha}+dirty` : sha;
  } catch {
    return 'unknown';
  }
}

/** How to repeat this run, e.g. `npm run bench -- --only latency --servers tandem,relay`. */
function commandLine(tier: string): string {
  const extra: string[] = [];
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--tier') i++;
    else if (!argv[i]!.startsWith('--tier=')) extra.push(argv[i]!);
  }
  return `npm run ${tier === 'full' ? 'bench:full' : 'bench'}${extra.length ? ` -- ${extra.join(' ')}` : ''}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tier: { type: 'string', default: 'quick' },
      only: { type: 'string' },
      servers: { type: 'string' },
      reps: { type: 'string' },
      profile: { type: 'boolean', default: false },
      'no-pin': { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      /** Scenario 4's connection count instead of the tier's (1,000 quick, 20,000 full). */
      connections: { type: 'string' },
    },
  });
  const tierName = values.tier === 'full' ? 'full' : 'quick';
  const tier = TIERS[tierName];
  const only = listOf(values.only, SCENARIOS, 'scenario') ?? [...SCENARIOS];
  const servers = listOf(values.servers, SERVER_KINDS, 'server') ?? DEFAULT_SERVERS;
  const reps = values.reps ? Math.max(1, Number(values.reps)) : tier.reps;
  const pin = !values['no-pin'] && hasProgram('taskset') && os.cpus().length >= 2;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const resultsDir = path.join(BENCH_DIR, 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const cpuProfDir = values.profile ? path.join(resultsDir, `profile-${stamp}`) : null;

  if (pin && !pinSelf(1)) note('could not pin the load generator to CPU 1');
  if (!values['no-build']) build(only.includes('browser'));
  const run: RunOptions = { servers, reps, pin, cpuProfDir, tier: tierName };
  const started = performance.now();
  note(
    `${tierName} tier: ${only.join(', ')} against ${servers.join(', ')}; ${reps} repetitions${pin ? '; pinned' : ''}`,
  );

  const scenarios: ScenarioResult[] = [];
  const errors: string[] = [];
  const step = async (name: ScenarioName, fn: () => Promise<ScenarioResult[]>): Promise<void> => {
    if (!only.includes(name)) return;
    const t0 = performance.now();
    try {
      scenarios.push(...(await fn()));
      note(`${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } catch (err) {
      const message = `${name} failed: ${(err as Error).stack ?? String(err)}`;
      note(message);
      errors.push(message);
    }
  };
  await step('latency', () => runLatency(run, tier.latency.sizes, tier.latency));
  await step('throughput', () => runThroughput(run, tier.throughput.shapes, tier.throughput));
  await step('ack', () => runAck(run, tier.ack, tier.ack));
  await step('coldload', () => runColdLoad(run, tier.coldload));
  await step('storage', () => runStorage(run, tier.storage.traces));
  const connectionCount = values.connections ? Math.max(1, Number(values.connections)) : tier.connections.count;
  await step('connections', () => runConnections(run, connectionCount, tier.connections.latencyMs));
  await step('browser', () => runBrowser(run, tier.browser));
  await step('cluster', () => runCluster(run, tier.cluster));
  await step('history', () => runHistory(run, { ...tier.history, reps: values.reps ? reps : tier.history.reps }));

  const meta: RunMeta = {
    tier: tierName,
    startedAt: new Date(Date.now() - (performance.now() - started)).toISOString(),
    seconds: (performance.now() - started) / 1000,
    node: process.version,
    cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}`,
    commit: commit(),
    pinned: pin,
    reps,
    servers,
    command: commandLine(tierName),
  };
  const base = path.join(resultsDir, `${stamp}-${tierName}`);
  const chart = latencyChart(
    scenarios.filter((s) => s.id.startsWith('latency-')),
    `Keystroke → remote apply latency (${tierName} tier, ${meta.startedAt.slice(0, 16)})`,
  );
  const chartFile = chart ? `${base}-latency.svg` : null;
  if (chart && chartFile) {
    fs.writeFileSync(chartFile, chart);
    fs.writeFileSync(path.join(resultsDir, 'latest-latency.svg'), chart);
  }
  let report = markdown(meta, scenarios, chartFile ? path.relative(REPO_DIR, chartFile) : null);
  if (errors.length) report += `\n\n## Errors\n\n${errors.map((e) => '```\n' + e + '\n```').join('\n\n')}\n`;
  if (cpuProfDir) {
    const summary = summariseProfiles(cpuProfDir, 40);
    if (summary) {
      fs.writeFileSync(path.join(cpuProfDir, 'summary.md'), summary);
      report += `\n\n## Tandem server CPU profile\n\n${summary}\n`;
    }
  }
  const json = { meta, verdicts: verdicts(scenarios), scenarios, errors };
  fs.writeFileSync(`${base}.json`, JSON.stringify(json, null, 1));
  fs.writeFileSync(`${base}.md`, report);
  fs.writeFileSync(path.join(resultsDir, `latest-${tierName}.json`), JSON.stringify(json, null, 1));
  process.stdout.write(`${report}\n`);
  note(
    `wrote ${path.relative(REPO_DIR, base)}.{json,md}${chartFile ? ` and ${path.relative(REPO_DIR, chartFile)}` : ''}`,
  );
  if (errors.length) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
