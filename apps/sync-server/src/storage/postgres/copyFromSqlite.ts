import Database from 'better-sqlite3';
import type pg from 'pg';
import { migratePostgres } from './pgMigrations.js';
import { inTransaction } from './transaction.js';

/** What {@link copySqliteToPostgres} copied. */
export interface CopyReport {
  documents: number;
  updateRows: number;
  versions: number;
  authors: number;
  tombstones: number;
}

/** Raised when the target database already holds documents: copying would mix two data sets. */
export class TargetNotEmpty extends Error {
  override readonly name = 'TargetNotEmpty';
}

interface DocRow {
  id: string;
  title: string;
  created_at: number;
  updated_at: number;
  size: number;
  /** In Trash since (migration 9); null for a live document. */
  trashed_at: number | null;
  trashed_by: string;
}

/**
 * Copies everything a SQLite database holds — documents, update logs, versions and their
 * bases, authors, tombstones — into PostgreSQL, in one transaction: all or nothing. Each
 * document's log is renumbered 1…n in its order; no document is owned afterwards (the
 * first node to open one claims it). Refuses a target that already has documents.
 */
export async function copySqliteToPostgres(sqliteFile: string, pool: pg.Pool): Promise<CopyReport> {
  await migratePostgres(pool);
  const source = new Database(sqliteFile, { readonly: true, fileMustExist: true });
  try {
    return await inTransaction(pool, async (db) => {
      const existing = await db.query('SELECT 1 FROM documents LIMIT 1');
      if (existing.rows.length > 0)
        throw new TargetNotEmpty('the PostgreSQL database already holds documents; copy into an empty one');
      const report: CopyReport = { documents: 0, updateRows: 0, versions: 0, authors: 0, tombstones: 0 };
      // One read transaction on SQLite, so the copy is one consistent moment even if a server writes meanwhile.
      source.exec('BEGIN');
      try {
        for (const doc of source.prepare<[], DocRow>('SELECT * FROM documents ORDER BY id').iterate()) {
          await copyDocument(source, db, doc, report);
        }
        for (const row of source
          .prepare<[], { id: string; deleted_at: number }>('SELECT id, deleted_at FROM deleted_documents')
          .all()) {
          await db.query('INSERT INTO deleted_documents (id, deleted_at) VALUES ($1, $2)', [row.id, row.deleted_at]);
          report.tombstones++;
        }
      } finally {
        source.exec('COMMIT');
      }
      return report;
    });
  } finally {
    source.close();
  }
}

async function copyDocument(
  source: Database.Database,
  db: pg.PoolClient,
  doc: DocRow,
  report: CopyReport,
): Promise<void> {
  const updates = source
    .prepare<
      [string],
      { data: Buffer; created_at: number; codec: number; state_vector: Buffer | null; delete_set: Buffer | null }
    >('SELECT data, created_at, codec, state_vector, delete_set FROM updates WHERE doc_id = ? ORDER BY seq')
    .all(doc.id);
  await db.query(
    `INSERT INTO documents (id, title, created_at, updated_at, size, last_seq, trashed_at, trashed_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [doc.id, doc.title, doc.created_at, doc.updated_at, doc.size, updates.length, doc.trashed_at, doc.trashed_by],
  );
  let seq = 0;
  for (const row of updates) {
    await db.query(
      'INSERT INTO updates (doc_id, seq, data, created_at, codec, state_vector, delete_set) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [doc.id, ++seq, row.data, row.created_at, row.codec, row.state_vector, row.delete_set],
    );
  }
  report.updateRows += updates.length;
  report.versions += await copyVersions(source, db, doc.id);
  report.authors += await copyAuthors(source, db, doc.id);
  report.documents++;
}

/** Copies a document's version bases and versions, mapping their ids; returns how many versions. */
async function copyVersions(source: Database.Database, db: pg.PoolClient, docId: string): Promise<number> {
  const baseIds = new Map<number, number>();
  const bases = source
    .prepare<[string], { id: number; data: Buffer; codec: number; state_vector: Buffer; size: number }>(
      'SELECT id, data, codec, state_vector, size FROM version_bases WHERE doc_id = ? ORDER BY id',
    )
    .all(docId);
  for (const base of bases) {
    const { rows } = await db.query<{ id: number }>(
      'INSERT INTO version_bases (doc_id, data, codec, state_vector, size) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [docId, base.data, base.codec, base.state_vector, base.size],
    );
    baseIds.set(base.id, rows[0]!.id);
  }
  const versionIds = new Map<number, number>();
  const versions = source
    .prepare<
      [string],
      {
        id: number;
        kind: string;
        name: string | null;
        created_at: number;
        authors: string;
        size: number;
        state: Buffer;
        codec: number;
        base_id: number | null;
        restore_of: number | null;
        pinned: number;
      }
    >('SELECT * FROM versions WHERE doc_id = ? ORDER BY id')
    .all(docId);
  for (const v of versions) {
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO versions (doc_id, kind, name, created_at, authors, size, state, codec, base_id, restore_of, pinned)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [
        docId,
        v.kind,
        v.name,
        v.created_at,
        validJson(v.authors),
        v.size,
        v.state,
        v.codec,
        v.base_id === null ? null : (baseIds.get(v.base_id) ?? null),
        // Versions are copied oldest first, so the one a restore point names is already copied.
        v.restore_of === null ? null : (versionIds.get(v.restore_of) ?? null),
        v.pinned !== 0,
      ],
    );
    versionIds.set(v.id, rows[0]!.id);
  }
  return versions.length;
}

/** Copies who the document's Yjs client ids belong to; returns how many. */
async function copyAuthors(source: Database.Database, db: pg.PoolClient, docId: string): Promise<number> {
  const authors = source
    .prepare<[string], { client_id: number; name: string; color: string | null }>(
      'SELECT client_id, name, color FROM doc_authors WHERE doc_id = ?',
    )
    .all(docId);
  for (const a of authors) {
    await db.query('INSERT INTO doc_authors (doc_id, client_id, name, color) VALUES ($1, $2, $3, $4)', [
      docId,
      a.client_id,
      a.name,
      a.color,
    ]);
  }
  return authors.length;
}

/** A damaged authors column only costs the "edited by" line: it becomes an empty list. */
function validJson(authors: string): string {
  try {
    const value: unknown = JSON.parse(authors);
    return Array.isArray(value) ? JSON.stringify(value) : '[]';
  } catch {
    return '[]';
  }
}
