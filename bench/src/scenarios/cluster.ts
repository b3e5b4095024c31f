/**
 * Scenario — several nodes on one PostgreSQL (docs/scale-out.md). Three set-ups run side by
 * side, repetitions alternating: one node on SQLite (today's default), one node on
 * PostgreSQL, and three nodes on PostgreSQL with a cluster secret.
 *
 * - Keystroke → remote apply between two clients of a document on two nodes that do not own
 *   it (an anchor client on node 1 makes node 1 the owner): writer on node 2, reader on
 *   node 3. On one node, both clients are on it.
 * - Acknowledgement latency at 1,000 updates/s (10 documents × 100/s): on one PostgreSQL
 *   node, and through a node that forwards to the owner.
 * - Relay throughput with many readers per document: on one node every reader is on it; on
 *   three nodes the readers are spread over them (the owner sends one frame per node).
 */
import { startPrivatePostgres, type PrivatePostgres } from '@tandem/sync-server/private-postgres';
import { median } from '../lib/stats.js';
import { fmt, note, sleep } from '../lib/util.js';
import { startServer, type ServerProcess, type StartOptions } from '../servers/index.js';
import { ackRep } from './ack.js';
import { awaitQuiet, type RepMetrics, type RunOptions, type ScenarioResult } from './common.js';
import { latencyRep } from './latency.js';
import { ThroughputSession } from './throughput.js';

/** The cluster's shared secret in the bench (any 32+ characters). */
const CLUSTER_SECRET = 'bench-cluster-secret-0123456789abcdef';

/** One set-up: its nodes (the first owns every document the scenario places). */
interface Setup {
  name: string;
  nodes: ServerProcess[];
}

/** Sizes per tier. */
export interface ClusterConfig {
  latencyDocs: number;
  ackDocs: number;
  ackUpdatesPerSec: number;
  throughputDocs: number;
  readersPerDoc: number;
  warmupMs: number;
  measureMs: number;
}

async function startSetups(run: RunOptions, postgres: PrivatePostgres): Promise<Setup[]> {
  const options = (env: Record<string, string>): StartOptions => ({ cpu: run.pin ? 0 : null, env });
  const single = await startServer('tandem', options({}));
  const pg = await startServer('tandem', options({ DATABASE_URL: await postgres.createDatabase('bench_one') }));
  const clusterUrl = await postgres.createDatabase('bench_cluster');
  const nodes: ServerProcess[] = [];
  for (let i = 0; i < 3; i++)
    nodes.push(
      await startServer(
        'tandem',
        options({ DATABASE_URL: clusterUrl, CLUSTER_SECRET, NODE_ID: `bench-${i + 1}`, NODE_LEASE_MS: '5000' }),
      ),
    );
  // Each node looks for the others a few times a second.
  await sleep(1_500);
  return [
    { name: 'one node, SQLite', nodes: [single] },
    { name: 'one node, PostgreSQL', nodes: [pg] },
    { name: 'three nodes, PostgreSQL', nodes },
  ];
}

/** Runs `rep` for every set-up `reps` times, alternating their order; results by set-up name. */
async function alternateSetups(
  setups: Setup[],
  reps: number,
  rep: (setup: Setup, warmup: boolean) => Promise<RepMetrics>,
): Promise<Map<string, RepMetrics[]>> {
  const results = new Map<string, RepMetrics[]>(setups.map((s) => [s.name, []]));
  await awaitQuiet('cluster');
  for (const setup of setups) await rep(setup, true);
  for (let i = 0; i < reps; i++)
    for (let j = 0; j < setups.length; j++) {
      const setup = setups[(i + j) % setups.length]!;
      results.get(setup.name)!.push(await rep(setup, false));
    }
  return results;
}

/** A node's port by role: the owner, the writer's node and the reader's node (all one on a single node). */
function ports(setup: Setup): { owner: number; writer: number; reader: number } {
  const [a, b = a, c = a] = setup.nodes.map((n) => n.port);
  return { owner: a!, writer: b!, reader: c! };
}

function latencyRow(setup: Setup, reps: RepMetrics[]): string[] {
  const pick = (key: string): string => fmt(median(reps.map((r) => r[key]!)), 2);
  return [setup.name, pick('p50'), pick('p99'), pick('p999'), fmt(median(reps.map((r) => r.samples!)), 0)];
}

/** A cluster part's result: its rows are set-ups, not server kinds, so it carries a ready-made table. */
function tableResult(
  part: Pick<ScenarioResult, 'id' | 'title' | 'description' | 'notes'>,
  config: ClusterConfig,
  table: { headers: string[]; rows: string[][] },
): ScenarioResult {
  return { ...part, config: { ...config }, servers: ['tandem'], metrics: [], reps: {}, table };
}

async function latencyPart(setups: Setup[], run: RunOptions, config: ClusterConfig): Promise<ScenarioResult> {
  const results = await alternateSetups(setups, run.reps, (setup, warmup) => {
    const { owner, writer, reader } = ports(setup);
    const several = setup.nodes.length > 1;
    return latencyRep(setup.nodes[0]!, {
      clientsPerDoc: 2,
      docs: config.latencyDocs,
      writersPerDoc: 1,
      keysPerSec: 10,
      awarenessHz: 10,
      warmupMs: warmup ? 200 : config.warmupMs,
      measureMs: warmup ? 500 : config.measureMs,
      drainMs: 2_000,
      ...(several ? { placement: { anchorPort: owner, portOf: (i: number) => (i === 0 ? writer : reader) } } : {}),
    });
  });
  return tableResult(
    {
      id: 'cluster-latency',
      title: 'Cluster 1. Keystroke → remote apply across nodes that do not own the document',
      description:
        `${config.latencyDocs} documents × (1 writer typing 10 keys/s with cursors + 1 reader). Three nodes: the ` +
        'document runs on node 1, the writer is on node 2 and the reader on node 3 (two forwarding hops: writer → owner, ' +
        'owner → reader’s node); one node: both on it. ms.',
      notes: ['Server CPU is not shown: on three nodes the work is spread over three processes.'],
    },
    config,
    {
      headers: ['set-up', 'p50 ms', 'p99 ms', 'p99.9 ms', 'samples'],
      rows: setups.map((s) => latencyRow(s, results.get(s.name)!)),
    },
  );
}

async function ackPart(setups: Setup[], run: RunOptions, config: ClusterConfig): Promise<ScenarioResult> {
  // The acknowledgement through a forwarding node: writers on node 2, documents on node 1.
  const pgSetups = setups.filter((s) => s.name.includes('PostgreSQL'));
  const results = await alternateSetups(pgSetups, run.reps, (setup, warmup) =>
    ackRep(
      setup.nodes[0]!,
      {
        docs: config.ackDocs,
        updatesPerSec: config.ackUpdatesPerSec,
        warmupMs: warmup ? 200 : config.warmupMs,
        measureMs: warmup ? 500 : config.measureMs,
      },
      setup.nodes.length > 1 ? { anchorPort: ports(setup).owner, portOf: () => ports(setup).writer } : undefined,
    ),
  );
  const pick = (reps: RepMetrics[], key: string, digits = 2): string => fmt(median(reps.map((r) => r[key]!)), digits);
  return tableResult(
    {
      id: 'cluster-ack',
      title: `Cluster 2. Acknowledgement latency at ${config.ackUpdatesPerSec} updates/s on PostgreSQL`,
      description:
        `${config.ackDocs} documents, one writer each, ${config.ackUpdatesPerSec} updates/s in all (open loop); time from ` +
        'sending an update to its acknowledgement ("committed in PostgreSQL"). Three nodes: the writers are on node 2, ' +
        'the documents run on node 1. ms.',
      notes: [],
    },
    config,
    {
      headers: [
        'set-up',
        'ack p50 ms',
        'ack p99 ms',
        'ack p99.9 ms',
        'updates/s',
        'refused',
        "owner's view: commit p99 ≤ ms",
        'updates per commit',
      ],
      rows: pgSetups.map((s) => {
        const reps = results.get(s.name)!;
        return [
          s.name,
          pick(reps, 'p50'),
          pick(reps, 'p99'),
          pick(reps, 'p999'),
          pick(reps, 'rate', 0),
          pick(reps, 'failed', 0),
          pick(reps, 'commitP99'),
          pick(reps, 'perCommit', 1),
        ];
      }),
    },
  );
}

async function throughputPart(setups: Setup[], run: RunOptions, config: ClusterConfig): Promise<ScenarioResult> {
  const wanted = setups.filter((s) => s.name !== 'one node, SQLite');
  const sessions = new Map<string, ThroughputSession>();
  const poolSeconds = ((config.warmupMs + config.measureMs) * (run.reps + 1)) / 1000;
  try {
    const results = await alternateSetups(wanted, run.reps, async (setup, warmup) => {
      let session = sessions.get(setup.name);
      if (!session) {
        const several = setup.nodes.length > 1;
        session = await ThroughputSession.open(
          setup.nodes[0]!,
          {
            docs: config.throughputDocs,
            clientsPerDoc: config.readersPerDoc + 1,
            writersPerDoc: 1,
            window: 8,
            warmupMs: config.warmupMs,
            measureMs: config.measureMs,
            // The writer on the owner; readers round-robin over every node.
            ...(several
              ? { placement: { anchorPort: setup.nodes[0]!.port, portOf: (i: number) => setup.nodes[i % 3]!.port } }
              : {}),
          },
          poolSeconds,
        );
        sessions.set(setup.name, session);
      }
      // The other nodes' CPU over the whole repetition (the owner's is measured in its window).
      const others = setup.nodes.slice(1);
      const before = others.map((n) => n.sample()?.cpuMs ?? Number.NaN);
      const started = performance.now();
      const metrics = await (warmup ? session.measure(200, 500) : session.measure(config.warmupMs, config.measureMs));
      const seconds = (performance.now() - started) / 1000;
      const used = others.reduce((sum, n, i) => sum + ((n.sample()?.cpuMs ?? Number.NaN) - before[i]!), 0);
      return { ...metrics, othersCpu: others.length > 0 ? used / 1000 / seconds : 0 };
    });
    return tableResult(
      {
        id: 'cluster-throughput',
        title: `Cluster 3. Relay throughput, ${config.readersPerDoc} readers per document`,
        description:
          `${config.throughputDocs} documents × (1 writer + ${config.readersPerDoc} readers), the writer sending ` +
          'one-character updates in a closed loop (8 in flight per document); deliveries/s to readers. Three nodes: the ' +
          'documents run on node 1, readers spread evenly over the three nodes.',
        notes: [
          'Every server process is pinned to one core (the generator has the other), so three nodes share one core here: the owner’s CPU per delivery shows how fan-out moves off the owner.',
        ],
      },
      config,
      {
        headers: [
          'set-up',
          'deliveries/s',
          'updates in/s',
          'owner CPU (cores)',
          'other nodes CPU (cores)',
          'owner CPU µs/delivery',
          'generator CPU (cores)',
        ],
        rows: wanted.map((s) => {
          const reps = results.get(s.name)!;
          const pick = (key: string, digits = 2): string => fmt(median(reps.map((r) => r[key]!)), digits);
          return [
            s.name,
            pick('deliveriesPerSec', 0),
            pick('updatesPerSec', 0),
            pick('srvCpu'),
            pick('othersCpu'),
            pick('cpuUsPerDelivery'),
            pick('genCpu'),
          ];
        }),
      },
    );
  } finally {
    for (const session of sessions.values()) session.close();
  }
}

/** Runs the cluster scenario's three parts on a private PostgreSQL. */
export async function runCluster(run: RunOptions, config: ClusterConfig): Promise<ScenarioResult[]> {
  const postgres = await startPrivatePostgres();
  let setups: Setup[] = [];
  try {
    setups = await startSetups(run, postgres);
    const results: ScenarioResult[] = [];
    for (const part of [latencyPart, ackPart, throughputPart]) {
      const started = performance.now();
      const result = await part(setups, run, config);
      result.seconds = (performance.now() - started) / 1000;
      results.push(result);
      note(`${result.id} done in ${result.seconds.toFixed(1)} s`);
    }
    return results;
  } finally {
    await Promise.all(setups.flatMap((s) => s.nodes).map((n) => n.stop()));
    await postgres.stop();
  }
}
