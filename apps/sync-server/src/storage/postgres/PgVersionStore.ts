import type pg from 'pg';
import { FencedOut } from '../ownership.js';
import type { PackedState } from '../rowCodec.js';
import {
  VERSION_COLUMNS as META_COLUMNS,
  authorNames as names,
  bytesOf,
  packedVersionState,
  versionMeta as toMeta,
  versionRowState,
  versionStateQuery,
  type VersionRow,
  type VersionStateRow,
} from '../storedRows.js';
import {
  packVersionState,
  type BaseCandidate,
  type Packing,
  type VersionPacker,
  type VersionState,
} from '../versionPacking.js';
import {
  DocumentGone,
  type AuthorEntry,
  type NewVersion,
  type VersionKind,
  type VersionMeta,
  type VersionPatch,
  type VersionStore,
} from '../VersionStore.js';
import type { Claims } from './Claims.js';
import { asBuffer, inTransaction } from './transaction.js';

/** How many times to pack again when the base a delta was made for went away meanwhile. */
const PACK_ATTEMPTS = 3;

/**
 * Inserts a version only while the writer still owns its document: the fence is the
 * statement's own FROM clause, so a former owner's automatic snapshot stores nothing.
 */
const FENCED_INSERT = `
  INSERT INTO versions (doc_id, kind, name, created_at, authors, size, state, codec, base_id, restore_of)
  SELECT id, $3, $4, $5, $6, $7, $8, $9, $10, $11 FROM documents WHERE id = $1 AND owner_epoch = $2
  RETURNING ${META_COLUMNS}`;

/**
 * Version history in PostgreSQL, stored as SQLite stores it (deflated bases and deltas,
 * see `versionPacking.ts`). New versions are written by the document's owner, fenced by
 * its ownership epoch; changes to existing ones (names, pins, thinning) are not, as any
 * node doing them twice leaves the same result.
 */
export class PgVersionStore implements VersionStore {
  private pack: VersionPacker = packVersionState;

  constructor(
    private readonly pool: pg.Pool,
    private readonly claims: Claims,
  ) {}

  packWith(pack: VersionPacker): void {
    this.pack = pack;
  }

  async addVersion(version: NewVersion): Promise<VersionMeta> {
    const epoch = await this.claims.epochOf(version.docId);
    if (epoch === null) throw new DocumentGone(version.docId);
    return this.storePacked(version.docId, version.state, async (db, packing, baseId) => {
      const { rows } = await db.query<VersionRow>(FENCED_INSERT, [
        version.docId,
        epoch,
        version.kind,
        version.name,
        version.createdAt,
        JSON.stringify(version.authors),
        packing.stateBytes,
        asBuffer(versionRowState(packing).state),
        versionRowState(packing).codec,
        baseId,
        version.restoreOf ?? null,
      ]);
      if (rows.length === 0) throw new FencedOut(version.docId, epoch);
      return toMeta(rows[0]!);
    });
  }

  async historyBytes(docId: string): Promise<number> {
    const { rows } = await this.pool.query<{ bytes: number }>(
      `SELECT ((SELECT COALESCE(SUM(octet_length(state)), 0) FROM versions WHERE doc_id = $1)
             + (SELECT COALESCE(SUM(octet_length(data)), 0) FROM version_bases WHERE doc_id = $1))::bigint AS bytes`,
      [docId],
    );
    return rows[0]?.bytes ?? 0;
  }

  /**
   * Packs `state` (off the event loop) and writes it with `write` in one transaction, a new
   * base first when the packing needs one. A delta whose base went away meanwhile is packed again.
   */
  private async storePacked<T>(
    docId: string,
    state: VersionState,
    write: (db: pg.PoolClient, packing: Packing, baseId: number) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const { rows } = await this.pool.query<{ id: number; state_vector: Buffer; versions: number }>(
        `SELECT b.id, b.state_vector, (SELECT COUNT(*) FROM versions v WHERE v.base_id = b.id)::int AS versions
           FROM version_bases b WHERE b.doc_id = $1 ORDER BY b.id DESC LIMIT 1`,
        [docId],
      );
      const latest = rows[0];
      const base: BaseCandidate | null =
        latest && attempt < PACK_ATTEMPTS
          ? { id: latest.id, stateVector: bytesOf(latest.state_vector), versions: latest.versions }
          : null;
      const packing = await this.pack(state, base);
      const written = await inTransaction(this.pool, async (db): Promise<{ value: T } | null> => {
        // Locks the document's row against a concurrent delete; packing took a while, it may be gone.
        const doc = await db.query('SELECT id FROM documents WHERE id = $1 FOR SHARE', [docId]);
        if (doc.rows.length === 0) throw new DocumentGone(docId);
        if (packing.kind === 'delta') {
          const exists = await db.query('SELECT id FROM version_bases WHERE id = $1 AND doc_id = $2 FOR SHARE', [
            packing.baseId,
            docId,
          ]);
          if (exists.rows.length === 0) return null;
          return { value: await write(db, packing, packing.baseId) };
        }
        const inserted = await db.query<{ id: number }>(
          'INSERT INTO version_bases (doc_id, data, codec, state_vector, size) VALUES ($1, $2, $3, $4, $5) RETURNING id',
          [docId, asBuffer(packing.data), packing.codec, asBuffer(packing.stateVector), packing.stateBytes],
        );
        const value = await write(db, packing, inserted.rows[0]!.id);
        await this.dropUnusedBases(db, docId);
        return { value };
      });
      if (written) return written.value;
    }
  }

  private async dropUnusedBases(db: pg.PoolClient, docId: string): Promise<void> {
    await db.query(
      'DELETE FROM version_bases b WHERE b.doc_id = $1 AND NOT EXISTS (SELECT 1 FROM versions v WHERE v.base_id = b.id)',
      [docId],
    );
  }

  async listVersions(docId: string): Promise<VersionMeta[]> {
    const { rows } = await this.pool.query<VersionRow>(
      `SELECT ${META_COLUMNS} FROM versions WHERE doc_id = $1 ORDER BY created_at DESC, id DESC`,
      [docId],
    );
    return rows.map(toMeta);
  }

  async getVersion(docId: string, id: number): Promise<VersionMeta | null> {
    const { rows } = await this.pool.query<VersionRow>(
      `SELECT ${META_COLUMNS} FROM versions WHERE id = $1 AND doc_id = $2`,
      [id, docId],
    );
    return rows[0] ? toMeta(rows[0]) : null;
  }

  async versionState(docId: string, id: number): Promise<PackedState | null> {
    const { rows } = await this.pool.query<VersionStateRow>(versionStateQuery('$1', '$2'), [id, docId]);
    return rows[0] ? packedVersionState(rows[0]) : null;
  }

  async updateVersion(docId: string, id: number, patch: VersionPatch): Promise<VersionMeta | null> {
    const sets: string[] = [];
    const values: unknown[] = [id, docId];
    const set = (column: string, value: unknown): void => {
      values.push(value);
      sets.push(`${column} = $${values.length}`);
    };
    if (patch.name !== undefined) set('name', patch.name);
    if (patch.kind !== undefined) set('kind', patch.kind);
    if (patch.pinned !== undefined) set('pinned', patch.pinned);
    const { state } = patch;
    if (state !== undefined) {
      await this.storePacked(docId, state, async (db, packing, baseId) => {
        await db.query(
          'UPDATE versions SET state = $3, codec = $4, base_id = $5, size = $6 WHERE id = $1 AND doc_id = $2',
          [
            id,
            docId,
            asBuffer(versionRowState(packing).state),
            versionRowState(packing).codec,
            baseId,
            packing.stateBytes,
          ],
        );
      });
    }
    // Column names come from the fixed list above, never from input.
    if (sets.length > 0)
      await this.pool.query(`UPDATE versions SET ${sets.join(', ')} WHERE id = $1 AND doc_id = $2`, values);
    return this.getVersion(docId, id);
  }

  async deleteThinnable(docId: string, ids: readonly number[]): Promise<number> {
    return inTransaction(this.pool, async (db) => {
      const { rowCount } = await db.query(
        `DELETE FROM versions WHERE doc_id = $1 AND id = ANY($2::bigint[])
           AND kind IN ('auto', 'restore-point') AND name IS NULL AND NOT pinned`,
        [docId, ids],
      );
      if ((rowCount ?? 0) > 0) await this.dropUnusedBases(db, docId);
      return rowCount ?? 0;
    });
  }

  async recordAuthors(docId: string, authors: readonly AuthorEntry[]): Promise<void> {
    if (authors.length === 0) return;
    await this.pool.query(
      `INSERT INTO doc_authors (doc_id, client_id, name, color)
       SELECT $1, a.client_id, a.name, a.color
         FROM unnest($2::bigint[], $3::text[], $4::text[]) AS a(client_id, name, color)
       ON CONFLICT (doc_id, client_id) DO UPDATE SET name = excluded.name, color = excluded.color`,
      [docId, authors.map((a) => a.clientId), authors.map((a) => a.name), authors.map((a) => a.color)],
    );
  }

  async latestAuthors(docIds: readonly string[]): Promise<Map<string, string[]>> {
    // One index lookup per document of the page, never a scan of every version.
    const { rows } = await this.pool.query<{ doc_id: string; authors: unknown }>(
      `SELECT d.id AS doc_id, latest.authors FROM unnest($1::text[]) AS d(id)
         CROSS JOIN LATERAL (SELECT authors FROM versions v WHERE v.doc_id = d.id
                              ORDER BY created_at DESC, id DESC LIMIT 1) AS latest`,
      [docIds],
    );
    return new Map(rows.map((row) => [row.doc_id, names(row.authors)]));
  }

  async authors(docId: string): Promise<AuthorEntry[]> {
    const { rows } = await this.pool.query<{ client_id: number; name: string; color: string | null }>(
      'SELECT client_id, name, color FROM doc_authors WHERE doc_id = $1',
      [docId],
    );
    return rows.map((r) => ({ clientId: r.client_id, name: r.name, color: r.color }));
  }
}
