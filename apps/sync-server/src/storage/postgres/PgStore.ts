import type pg from 'pg';
import type {
  AppendEntry,
  DocumentMeta,
  DocumentStore,
  ListQuery,
  LoadPurpose,
  NewDocument,
  StateSummary,
  StoredDocument,
} from '../DocumentStore.js';
import { pgAccessFilter } from '../accessFilters.js';
import { FencedOut } from '../ownership.js';
import { encodeRowAsync } from '../rowCodec.js';
import {
  DOCUMENT_COLUMNS as META_COLUMNS,
  documentMeta as toMeta,
  storedDocument as toStored,
  type DocumentRow,
  type UpdateRow,
} from '../storedRows.js';
import { Claims } from './Claims.js';
import { FENCED_OUT_SQLSTATE, durabilityProblem, migratePostgres } from './pgMigrations.js';
import { openPool, redactDatabaseUrl } from './pgPool.js';
import { PgImageStore } from './PgImageStore.js';
import { PgLinkStore } from './PgLinkStore.js';
import { PgSearchIndex } from './PgSearchIndex.js';
import { PgTrash } from './PgTrash.js';
import { PgVersionStore } from './PgVersionStore.js';
import { asBuffer, inTransaction } from './transaction.js';

/** A live document's row: one in Trash is not there for anything but Trash itself. */
const LIVE_DOC = `SELECT ${META_COLUMNS} FROM documents WHERE id = $1 AND trashed_at IS NULL`;
const LOAD_UPDATES = 'SELECT seq, data, codec, state_vector, delete_set FROM updates WHERE doc_id = $1 ORDER BY seq';

/**
 * A batch of appended updates, of one document or several, in one statement: each
 * document's fence (its row, only while its `owner_epoch` is the writer's) takes its next
 * sequence numbers, and the rows are inserted only if every fence matched; else
 * `tandem_fenced_out` stops the statement, naming a refused document, and nothing is
 * stored. A writer that lost a document stores nothing; the row lock orders concurrent
 * appends, so a document's log has no gaps. One round trip, however many documents the
 * commit holds (one per document, inside BEGIN and COMMIT, made a slow commit slower
 * still: its next batch held more documents).
 */
const FENCED_APPEND = `
  WITH fence AS (
    UPDATE documents d SET last_seq = d.last_seq + b.n, updated_at = $5, size = d.size + b.bytes
      FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[]) AS b(doc_id, epoch, n, bytes)
     WHERE d.id = b.doc_id AND d.owner_epoch = b.epoch
     RETURNING d.id, d.last_seq, b.n)
  INSERT INTO updates (doc_id, seq, data, created_at)
  SELECT f.id, f.last_seq - f.n + u.ord, u.data, $5
    FROM fence f JOIN unnest($6::text[], $7::bigint[], $8::bytea[]) AS u(doc_id, ord, data) ON u.doc_id = f.id
   WHERE (SELECT CASE WHEN count(*) = cardinality($1::text[]) THEN true
                 ELSE tandem_fenced_out((SELECT min(b.doc_id) FROM unnest($1::text[]) AS b(doc_id)
                                          WHERE b.doc_id NOT IN (SELECT id FROM fence))) END
            FROM fence)
  RETURNING doc_id, seq`;

/**
 * A compaction in one statement, fenced like an append: rows before `upToSeq` go, and the
 * row at `upToSeq` becomes the merged state, so the log stays gap-free and in order.
 */
const FENCED_COMPACT = `
  WITH fence AS (SELECT id FROM documents WHERE id = $1 AND owner_epoch = $2 FOR UPDATE),
  dropped AS (DELETE FROM updates u USING fence WHERE u.doc_id = fence.id AND u.seq < $3),
  replaced AS (
    UPDATE updates u SET data = $4, codec = $5, state_vector = $6, delete_set = $7, created_at = $8
      FROM fence WHERE u.doc_id = fence.id AND u.seq = $3
      RETURNING u.seq)
  SELECT (SELECT count(*) FROM fence)::int AS fenced, (SELECT count(*) FROM replaced)::int AS replaced`;

/** Options for {@link PgStore.open}. */
export interface PgStoreOptions {
  /** This node's id, recorded as the owner of the documents it claims. */
  nodeId: string;
  /** Most connections to hold open (default 10). */
  poolSize?: number;
  /** One of several nodes on the database: claim only documents no live node owns. */
  shared?: boolean;
}

/** Raised when PostgreSQL cannot be used as Tandem's storage; the message says what to do. */
export class PostgresOpenError extends Error {
  override readonly name = 'PostgresOpenError';
}

/**
 * PostgreSQL storage (`pg`): the same data and interface as SQLite, for several nodes
 * on one database. A document's update log is numbered per document without gaps, and
 * every write of the document's owner (append, compaction, title, version) is fenced by
 * the ownership epoch it claimed, in the statement that writes.
 */
export class PgStore implements DocumentStore {
  readonly versions: PgVersionStore;
  readonly links: PgLinkStore;
  readonly images: PgImageStore;
  readonly search: PgSearchIndex;
  readonly trash: PgTrash;
  readonly claims: Claims;

  private constructor(
    readonly pool: pg.Pool,
    readonly databaseUrl: string,
    options: PgStoreOptions,
  ) {
    this.claims = new Claims(pool, options.nodeId, options.shared);
    this.versions = new PgVersionStore(pool, this.claims);
    this.links = new PgLinkStore(pool);
    this.images = new PgImageStore(pool);
    this.search = new PgSearchIndex(pool);
    this.trash = new PgTrash(pool);
  }

  /** Connects, refuses a server that could lose acknowledged commits, and migrates the schema. */
  static async open(databaseUrl: string, options: PgStoreOptions): Promise<PgStore> {
    const pool = openPool(databaseUrl, { max: options.poolSize ?? 10, applicationName: `tandem ${options.nodeId}` });
    // An idle connection that breaks (the server restarted) is dropped and reported by the next query.
    pool.on('error', () => undefined);
    try {
      const problem = await durabilityProblem(pool);
      if (problem !== null)
        throw new PostgresOpenError(
          `${problem}, so a change Tandem reports as saved could be lost in a crash. ` +
            'Turn it on (postgresql.conf) and start again.',
        );
      await migratePostgres(pool);
    } catch (error) {
      await pool.end().catch(() => undefined);
      if (error instanceof PostgresOpenError) throw error;
      throw new PostgresOpenError(
        `cannot use the PostgreSQL database at ${redactDatabaseUrl(databaseUrl)}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    return new PgStore(pool, databaseUrl, options);
  }

  async load(docId: string, purpose: LoadPurpose = 'read'): Promise<StoredDocument | null> {
    if (purpose === 'own') {
      // Claim first: the row lock waits out a former owner's append in flight, and its later ones are fenced out.
      return inTransaction(this.pool, async (db) => {
        const epoch = await this.claims.claim(docId, db);
        if (epoch === null) return null;
        const meta = await db.query<DocumentRow>(LIVE_DOC, [docId]);
        const rows = await db.query<UpdateRow>(LOAD_UPDATES, [docId]);
        return toStored(toMeta(meta.rows[0]!), rows.rows);
      });
    }
    // One snapshot for the row and its log.
    return inTransaction(
      this.pool,
      async (db) => {
        const meta = await db.query<DocumentRow>(LIVE_DOC, [docId]);
        if (meta.rows.length === 0) return null;
        const rows = await db.query<UpdateRow>(LOAD_UPDATES, [docId]);
        return toStored(toMeta(meta.rows[0]!), rows.rows);
      },
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
  }

  async ensure(docId: string, now: number): Promise<DocumentMeta> {
    return inTransaction(this.pool, async (db) => {
      await db.query(
        "INSERT INTO documents (id, title, created_at, updated_at) VALUES ($1, '', $2, $2) ON CONFLICT (id) DO NOTHING",
        [docId, now],
      );
      await db.query('DELETE FROM deleted_documents WHERE id = $1', [docId]);
      const { rows } = await db.query<DocumentRow>(`SELECT ${META_COLUMNS} FROM documents WHERE id = $1`, [docId]);
      return toMeta(rows[0]!);
    });
  }

  async deletedAt(docId: string): Promise<number | null> {
    const { rows } = await this.pool.query<{ deleted_at: number }>(
      'SELECT deleted_at FROM deleted_documents WHERE id = $1',
      [docId],
    );
    return rows[0]?.deleted_at ?? null;
  }

  async create(docId: string, content: NewDocument, now: number): Promise<DocumentMeta> {
    const { data, codec } = await encodeRowAsync(content.state);
    return inTransaction(this.pool, async (db) => {
      const { rows } = await db.query<DocumentRow>(
        `INSERT INTO documents (id, title, created_at, updated_at, size, last_seq) VALUES ($1, $2, $3, $3, $4, 1)
         RETURNING ${META_COLUMNS}`,
        [docId, content.title, now, data.byteLength],
      );
      await db.query(
        'INSERT INTO updates (doc_id, seq, data, created_at, codec, state_vector, delete_set) VALUES ($1, 1, $2, $3, $4, $5, $6)',
        [
          docId,
          asBuffer(data),
          now,
          codec,
          asBuffer(content.summary.stateVector),
          asBuffer(content.summary.deleteSetUpdate),
        ],
      );
      return toMeta(rows[0]!);
    });
  }

  async append(entries: readonly AppendEntry[], now: number): Promise<Map<string, number>> {
    const byDoc = new Map<string, Uint8Array[]>();
    for (const { docId, update } of entries) {
      let updates = byDoc.get(docId);
      if (!updates) byDoc.set(docId, (updates = []));
      updates.push(update);
    }
    const epochs = new Map<string, number>();
    for (const docId of byDoc.keys()) {
      const epoch = await this.claims.epochOf(docId);
      if (epoch === null) throw new FencedOut(docId, 0);
      epochs.set(docId, epoch);
    }
    // In id order, so two nodes' statements lock shared rows in one order (a zombie owner's and its successor's).
    const docs = [...byDoc.keys()].sort();
    const flat = docs.flatMap((docId) => byDoc.get(docId)!.map((update, i) => ({ docId, ord: i + 1, update })));
    let rows: { doc_id: string; seq: number }[];
    try {
      // Named: each connection parses and plans it once, not at every commit.
      ({ rows } = await this.pool.query<{ doc_id: string; seq: number }>({
        name: 'tandem-append',
        text: FENCED_APPEND,
        values: [
          docs,
          docs.map((docId) => epochs.get(docId)!),
          docs.map((docId) => byDoc.get(docId)!.length),
          docs.map((docId) => byDoc.get(docId)!.reduce((sum, u) => sum + u.byteLength, 0)),
          now,
          flat.map((u) => u.docId),
          flat.map((u) => u.ord),
          flat.map((u) => asBuffer(u.update)),
        ],
      }));
    } catch (error) {
      const refused = (error as { code?: string; detail?: string }).code === FENCED_OUT_SQLSTATE;
      const docId = (error as { detail?: string }).detail ?? docs[0]!;
      throw refused ? new FencedOut(docId, epochs.get(docId) ?? 0) : error;
    }
    if (rows.length !== flat.length) throw new Error(`append stored ${rows.length} of ${flat.length} updates`);
    const lastSeq = new Map<string, number>();
    for (const { doc_id, seq } of rows) lastSeq.set(doc_id, Math.max(lastSeq.get(doc_id) ?? 0, Number(seq)));
    return lastSeq;
  }

  async compact(docId: string, state: Uint8Array, upToSeq: number, summary?: StateSummary): Promise<number> {
    const { data, codec } = await encodeRowAsync(state);
    const epoch = await this.claims.epochOf(docId);
    if (epoch === null) throw new FencedOut(docId, 0);
    return inTransaction(this.pool, async (db) => {
      const { rows } = await db.query<{ fenced: number; replaced: number }>(FENCED_COMPACT, [
        docId,
        epoch,
        upToSeq,
        asBuffer(data),
        codec,
        summary ? asBuffer(summary.stateVector) : null,
        summary ? asBuffer(summary.deleteSetUpdate) : null,
        Date.now(),
      ]);
      if (rows[0]!.fenced === 0) throw new FencedOut(docId, epoch);
      if (rows[0]!.replaced === 0) throw new Error(`document ${docId} has no update row ${upToSeq} to compact into`);
      await db.query(
        'UPDATE documents SET size = (SELECT COALESCE(SUM(octet_length(data)), 0) FROM updates WHERE doc_id = $1) WHERE id = $1',
        [docId],
      );
      return upToSeq;
    });
  }

  async setTitle(docId: string, title: string): Promise<void> {
    const epoch = await this.claims.epochOf(docId);
    if (epoch === null) return; // deleted meanwhile: nothing to name
    const { rowCount } = await this.pool.query('UPDATE documents SET title = $3 WHERE id = $1 AND owner_epoch = $2', [
      docId,
      epoch,
      title,
    ]);
    if (rowCount === 0 && (await this.get(docId)) !== null) throw new FencedOut(docId, epoch);
  }

  async get(docId: string): Promise<DocumentMeta | null> {
    const { rows } = await this.pool.query<DocumentRow>(LIVE_DOC, [docId]);
    return rows[0] ? toMeta(rows[0]) : null;
  }

  async listPage(query: ListQuery): Promise<DocumentMeta[]> {
    const where: string[] = ['trashed_at IS NULL'];
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    if (query.after) {
      const at = param(query.after.updatedAt);
      where.push(`(updated_at < ${at} OR (updated_at = ${at} AND id > ${param(query.after.id)}))`);
    }
    if (query.titleContains !== undefined && query.titleContains !== '') {
      // As people read it: an empty title reads "Untitled"; strpos, not LIKE, so % and _ are plain characters.
      where.push(
        `strpos(lower(CASE WHEN title = '' THEN 'Untitled' ELSE title END), ${param(query.titleContains.toLowerCase())}) > 0`,
      );
    }
    const access = pgAccessFilter(query.access, 'id', param);
    if (access) where.push(access);
    const sql =
      `SELECT ${META_COLUMNS} FROM documents WHERE ${where.join(' AND ')} ` +
      `ORDER BY updated_at DESC, id LIMIT ${param(query.limit)}`;
    const { rows } = await this.pool.query<DocumentRow>(sql, params);
    return rows.map(toMeta);
  }

  async delete(docId: string): Promise<boolean> {
    const existed = await inTransaction(this.pool, async (db) => {
      // Rows in other tables go with it (ON DELETE CASCADE).
      const { rowCount } = await db.query('DELETE FROM documents WHERE id = $1', [docId]);
      if (rowCount === 0) return false;
      await db.query(
        `INSERT INTO deleted_documents (id, deleted_at) VALUES ($1, $2)
         ON CONFLICT (id) DO UPDATE SET deleted_at = excluded.deleted_at`,
        [docId, Date.now()],
      );
      return true;
    });
    this.claims.forget(docId);
    return existed;
  }

  get ownership(): { nodeId: string; owned: number } {
    return { nodeId: this.claims.nodeId, owned: this.claims.size };
  }

  release(docId: string): Promise<void> {
    return this.claims.release(docId);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
