import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type * as Y from 'yjs';
import { openPool } from '../../src/storage/postgres/pgPool.js';
import { freePort, ServerProcess } from '../builtServer.js';
import { databaseFor, storedInPostgres } from './testDatabases.js';

/** The cluster secret of every test cluster. */
export const CLUSTER_SECRET = 'cluster-secret-for-tests-only-0123456789';
/** Short, so a paused node is replaced quickly; renewals come every third of it. */
export const LEASE_MS = 1_500;

/** One node of a test cluster: a real server process on a port of its own. */
export interface TestNode {
  /** Its NODE_ID (a restarted node comes back under a new one). */
  id: string;
  port: number;
  url: string;
  process: ServerProcess;
  /** The environment it was started with. */
  env: Record<string, string>;
  /** Its DATA_DIR (it holds no documents: they are in PostgreSQL). */
  dataDir: string;
}

/** What a node's /healthz says in a cluster. */
export interface ClusterHealth {
  node: string;
  documentsOwned: number;
  documentsLoaded: number;
  cluster: { nodesAlive: number; links: Record<string, number> };
}

/** Several real server processes on one fresh database of the run's PostgreSQL. */
export class TestCluster {
  private constructor(
    readonly databaseUrl: string,
    readonly nodes: TestNode[],
  ) {}

  /** Starts `count` nodes (`node-1`…); `envOf` adds to a node's environment, knowing its port. */
  static async start(
    count: number,
    env: Record<string, string> = {},
    envOf: (index: number, port: number) => Promise<Record<string, string>> = async () => ({}),
  ): Promise<TestCluster> {
    const databaseUrl = await databaseFor(`cluster ${randomUUID()}`);
    const nodes = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const port = await freePort();
        const nodeEnv = {
          DATABASE_URL: databaseUrl,
          CLUSTER_SECRET,
          NODE_LEASE_MS: String(LEASE_MS),
          IDLE_UNLOAD_MS: '60000',
          ...env,
          ...(await envOf(i, port)),
        };
        return startNode(`node-${i + 1}`, port, nodeEnv);
      }),
    );
    const cluster = new TestCluster(databaseUrl, nodes);
    await cluster.untilAllSeeEachOther();
    return cluster;
  }

  /** Starts `node` again (after a kill) on its port, as a new node `id`. */
  async restart(node: TestNode, id: string): Promise<TestNode> {
    fs.rmSync(node.dataDir, { recursive: true, force: true });
    const fresh = await startNode(id, node.port, node.env);
    this.nodes[this.nodes.indexOf(node)] = fresh;
    return fresh;
  }

  /** Resolves once every node sees every other alive (each looks a few times a second). */
  async untilAllSeeEachOther(): Promise<void> {
    const count = this.nodes.length;
    await until(
      async () => (await Promise.all(this.nodes.map(health))).every((h) => h.cluster.nodesAlive === count),
      'every node sees the others',
    );
  }

  /** The node PostgreSQL records as the document's owner, and its epoch. */
  async ownerRow(docId: string): Promise<{ owner_node: string | null; owner_epoch: number }> {
    const pool = openPool(this.databaseUrl, { max: 1 });
    try {
      const { rows } = await pool.query<{ owner_node: string | null; owner_epoch: number }>(
        'SELECT owner_node, owner_epoch FROM documents WHERE id = $1',
        [docId],
      );
      return rows[0]!;
    } finally {
      await pool.end();
    }
  }

  /** What PostgreSQL holds of the document (its compacted state and log, as one Y.Doc) and its log's sequence numbers. */
  stored(docId: string): Promise<{ doc: Y.Doc; seqs: number[] }> {
    return storedInPostgres(this.databaseUrl, docId);
  }

  /** Kills every node. */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.process.kill()));
    for (const node of this.nodes) fs.rmSync(node.dataDir, { recursive: true, force: true });
  }
}

async function startNode(id: string, port: number, env: Record<string, string>): Promise<TestNode> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-cluster-'));
  const process = await ServerProcess.start(port, dataDir, { ...env, NODE_ID: id });
  return { id, port, url: `http://127.0.0.1:${port}`, process, env, dataDir };
}

/** What `node`'s /healthz says. */
export async function health(node: TestNode): Promise<ClusterHealth> {
  return (await (await fetch(`${node.url}/healthz`)).json()) as ClusterHealth;
}

/** A counter's value on `node`'s /metrics. */
export async function metric(node: TestNode, name: string): Promise<number> {
  const text = await (await fetch(`${node.url}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
}

/** Polls `predicate` until it holds; throws after `timeoutMs`. */
export async function until(predicate: () => Promise<boolean>, message: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${message}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Whether `seqs` (ascending) run without a gap. */
export function gapless(seqs: readonly number[]): boolean {
  return seqs.every((seq, i) => i === 0 || seq === seqs[i - 1]! + 1);
}
