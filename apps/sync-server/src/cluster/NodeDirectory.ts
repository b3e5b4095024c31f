import pg from 'pg';
import type { Logger } from 'pino';
import type { PeerNode } from '../sockets/forwarding.js';
import { NODE_LOCK_CLASS } from '../storage/postgres/pgMigrations.js';

/** This node, as the directory records it. */
export interface SelfNode {
  id: string;
  /** Where the other nodes reach it. */
  address: string;
  /** How long it counts as alive after each renewal. */
  leaseMs: number;
}

/** Where a document runs: the owner's id and address, and whether that node is alive. */
interface OwnerRow {
  owner_node: string | null;
  address: string | null;
  alive: boolean | null;
}

/**
 * The cluster's nodes, in PostgreSQL: each node has a row with a lease it renews, and holds
 * a session advisory lock for as long as its process runs. A node is alive while both
 * hold: a killed node's lock goes with its connection within milliseconds (the fast
 * signal), and a paused or cut-off node's lease runs out (the bound). Documents are
 * claimed only from nodes that are not alive (see Claims), so this is also who may be
 * taken over.
 */
export class NodeDirectory {
  private live = new Map<string, PeerNode>();
  private readonly downListeners = new Set<(nodeId: string) => void>();
  private renewTimer: ReturnType<typeof setInterval> | null = null;
  private watchTimer: ReturnType<typeof setInterval> | null = null;
  private lockSession: pg.Client | null = null;
  private lockKey = 0;
  private stopped = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly databaseUrl: string,
    readonly self: SelfNode,
    private readonly log: Logger,
  ) {}

  /** Registers this node, takes its liveness lock and starts renewing its lease and watching the others. */
  static async join(pool: pg.Pool, databaseUrl: string, self: SelfNode, log: Logger): Promise<NodeDirectory> {
    const directory = new NodeDirectory(pool, databaseUrl, self, log);
    await directory.register();
    await directory.watch();
    directory.renewTimer = setInterval(() => void directory.renew(), Math.max(100, self.leaseMs / 3));
    directory.watchTimer = setInterval(() => void directory.watch(), Math.min(500, self.leaseMs / 4));
    directory.renewTimer.unref();
    directory.watchTimer.unref();
    return directory;
  }

  /** The live node that owns `docId`, or null when it is this node, no one, or a node that is gone. */
  async ownerOf(docId: string): Promise<PeerNode | null> {
    const { rows } = await this.pool.query<OwnerRow>(
      `SELECT d.owner_node, n.address, tandem_node_alive(d.owner_node) AS alive
         FROM documents d LEFT JOIN nodes n ON n.id = d.owner_node WHERE d.id = $1`,
      [docId],
    );
    const row = rows[0];
    if (!row || row.owner_node === null || row.owner_node === this.self.id || !row.alive || row.address === null)
      return null;
    return { id: row.owner_node, address: row.address };
  }

  /** The nodes alive at the last look (this one included). */
  get liveNodes(): ReadonlyMap<string, PeerNode> {
    return this.live;
  }

  /** Calls `listener` with each node seen to go (its lock released, or its lease run out). */
  onDown(listener: (nodeId: string) => void): void {
    this.downListeners.add(listener);
  }

  /** Leaves the cluster: the row goes and the lock with it, so others take over at once. */
  async leave(): Promise<void> {
    this.stopped = true;
    if (this.renewTimer) clearInterval(this.renewTimer);
    if (this.watchTimer) clearInterval(this.watchTimer);
    await this.pool
      .query('DELETE FROM nodes WHERE id = $1 AND lock_key = $2', [this.self.id, this.lockKey])
      .catch(() => {
        // Unreachable: the lock goes with the session below, and the lease runs out.
      });
    await this.lockSession?.end().catch(() => undefined);
  }

  private async register(): Promise<void> {
    const { rows } = await this.pool.query<{ lock_key: number }>(
      `INSERT INTO nodes (id, address, lock_key, lease_until)
       VALUES ($1, $2, nextval('node_lock_keys'), clock_timestamp() + $3 * interval '1 millisecond')
       ON CONFLICT (id) DO UPDATE SET address = excluded.address, lock_key = excluded.lock_key,
         lease_until = excluded.lease_until, started_at = now()
       RETURNING lock_key`,
      [this.self.id, this.self.address, this.self.leaseMs],
    );
    this.lockKey = rows[0]!.lock_key;
    await this.takeLock();
  }

  /** The liveness lock, on a session of its own (a pooled one could be closed or shared). */
  private async takeLock(): Promise<void> {
    const session = new pg.Client({
      connectionString: this.databaseUrl,
      application_name: `tandem ${this.self.id} lock`,
    });
    session.on('error', (err) => {
      this.log.warn({ err }, 'lost the liveness lock session to PostgreSQL; taking it again');
      if (this.lockSession === session) this.lockSession = null;
    });
    await session.connect();
    await session.query('SELECT pg_advisory_lock($1, $2)', [NODE_LOCK_CLASS, this.lockKey]);
    this.lockSession = session;
  }

  private async renew(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.lockSession === null) await this.takeLock();
      await this.pool.query(
        `UPDATE nodes SET lease_until = clock_timestamp() + $2 * interval '1 millisecond' WHERE id = $1`,
        [this.self.id, this.self.leaseMs],
      );
    } catch (err) {
      // Until it is renewed, other nodes may take this one's documents over; its writes are then fenced out.
      this.log.warn({ err }, 'could not renew this node’s lease');
    }
  }

  private async watch(): Promise<void> {
    if (this.stopped) return;
    let rows: { id: string; address: string }[];
    try {
      ({ rows } = await this.pool.query<{ id: string; address: string }>(
        'SELECT id, address FROM nodes WHERE tandem_node_alive(id)',
      ));
    } catch (err) {
      this.log.debug({ err }, 'could not read which nodes are alive');
      return; // PostgreSQL is unreachable: nothing is known, nothing changes.
    }
    const now = new Map(rows.map((row) => [row.id, { id: row.id, address: row.address }]));
    const gone = [...this.live.keys()].filter((id) => !now.has(id));
    this.live = now;
    for (const id of gone) {
      this.log.warn({ node: id }, 'node is gone');
      for (const listener of this.downListeners) listener(id);
    }
  }
}
