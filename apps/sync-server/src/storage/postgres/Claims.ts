import type pg from 'pg';
import { OwnedElsewhere } from '../ownership.js';

/** Takes the document whoever owns it: one node alone on the database, or a node told to take over. */
const TAKE =
  'UPDATE documents SET owner_epoch = owner_epoch + 1, owner_node = $2 WHERE id = $1 AND trashed_at IS NULL RETURNING owner_epoch';

/**
 * Takes the document only from no one, from itself, or from a node no longer alive (lease
 * run out, or its liveness lock gone with its process): one of several nodes. The row
 * lock orders two nodes claiming at once; the second sees the first alive and gets nothing.
 */
const TAKE_IF_UNOWNED = `
  UPDATE documents SET owner_epoch = owner_epoch + 1, owner_node = $2
   WHERE id = $1 AND trashed_at IS NULL AND (owner_node IS NULL OR owner_node = $2 OR NOT tandem_node_alive(owner_node))
   RETURNING owner_epoch`;

/**
 * The ownership epochs this node holds, one per document it claimed. A claim raises the
 * document's `owner_epoch` in PostgreSQL; every write this node makes to the document
 * then carries the epoch it got, and the statement that writes checks it, so a node that
 * was paused or cut off while another claimed the document stores nothing.
 */
export class Claims {
  private readonly epochs = new Map<string, number>();
  /** Claims made since this node started. */
  claimed = 0;

  constructor(
    private readonly pool: pg.Pool,
    /** This node's id, recorded as the owner with each claim. */
    readonly nodeId: string,
    /** One of several nodes: claim only what no live node owns. */
    private readonly shared = false,
  ) {}

  /**
   * Claims `docId` over `db` (a pool, or a client inside a transaction): its new epoch, or
   * null when the document does not exist (or is in Trash). Throws {@link OwnedElsewhere} when another live
   * node owns it (several nodes only).
   */
  async claim(docId: string, db: pg.Pool | pg.PoolClient = this.pool): Promise<number | null> {
    const { rows } = await db.query<{ owner_epoch: number }>(this.shared ? TAKE_IF_UNOWNED : TAKE, [
      docId,
      this.nodeId,
    ]);
    const epoch = rows[0]?.owner_epoch ?? null;
    if (epoch !== null) {
      this.epochs.set(docId, epoch);
      this.claimed++;
    } else if (this.shared) {
      const owner = await db.query<{ owner_node: string | null }>(
        'SELECT owner_node FROM documents WHERE id = $1 AND trashed_at IS NULL',
        [docId],
      );
      if (owner.rows[0]) throw new OwnedElsewhere(docId, owner.rows[0].owner_node ?? 'unknown');
    }
    return epoch;
  }

  /** The epoch to write `docId` with: the one this node claimed, claiming it now if it never did. */
  async epochOf(docId: string): Promise<number | null> {
    return this.epochs.get(docId) ?? this.claim(docId);
  }

  /** Forgets the claim on `docId` (the document was deleted), or only the claim of `epoch` if given. */
  forget(docId: string, epoch?: number): void {
    if (epoch === undefined || this.epochs.get(docId) === epoch) this.epochs.delete(docId);
  }

  /**
   * Gives up ownership of `docId` in PostgreSQL (fenced: a claim made since, by this node or
   * another, stands) and forgets it here. Best effort: a failure leaves the claim to be
   * superseded by the next one.
   */
  async release(docId: string): Promise<void> {
    const epoch = this.epochs.get(docId);
    if (epoch === undefined) return;
    try {
      await this.pool.query('UPDATE documents SET owner_node = NULL WHERE id = $1 AND owner_epoch = $2', [
        docId,
        epoch,
      ]);
    } catch {
      // The database is unreachable: the next claim of the document raises the epoch anyway.
    }
    this.forget(docId, epoch);
  }

  /** Documents this node holds a claim on. */
  get size(): number {
    return this.epochs.size;
  }
}
