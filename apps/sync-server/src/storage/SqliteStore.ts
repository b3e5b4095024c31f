import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type {
  AppendEntry,
  DocumentMeta,
  DocumentStore,
  ListQuery,
  NewDocument,
  StateSummary,
  StoredDocument,
} from './DocumentStore.js';
import { sqliteAccessFilter } from './accessFilters.js';
import { APPEND_SQL, CONNECTION_PRAGMAS } from './appendStatements.js';
import { migrate } from './migrations.js';
import { encodeRowAsync } from './rowCodec.js';
import { documentMeta as toMeta, storedDocument as toStored, type DocumentRow, type UpdateRow } from './storedRows.js';
import { SqliteVersionStore } from './SqliteVersionStore.js';
import { SqliteImageStore } from './SqliteImageStore.js';
import { SqliteLinkStore } from './SqliteLinkStore.js';
import { SqliteSearchIndex } from './SqliteSearchIndex.js';
import { SqliteTrash } from './SqliteTrash.js';
import { CommitThread } from './commitThread.js';
import { checkWriteAheadLog } from './walCheck.js';

/**
 * Whether a title contains `needle` (already lower-cased), as people read it: case-insensitive
 * beyond ASCII (SQLite's LIKE is not), and an empty title reads "Untitled".
 */
function titleContains(title: unknown, needle: unknown): number {
  if (typeof needle !== 'string') return 0;
  const shown = typeof title === 'string' && title !== '' ? title : 'Untitled';
  return shown.toLowerCase().includes(needle) ? 1 : 0;
}

/** Raised when the database file exists but cannot be used; the message says what to do. */
export class StorageOpenError extends Error {
  override readonly name = 'StorageOpenError';
}

/** Options for {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /**
   * Commit appended updates on a thread of their own (default: yes, for a database
   * file), so the main thread does not wait for fsync.
   */
  commitThread?: boolean;
  /**
   * Open even when the write-ahead log lacks committed changes the database expects in
   * it (see {@link checkWriteAheadLog}), accepting their loss; {@link SqliteStore.walLoss} says what was lost.
   */
  acceptWalLoss?: boolean;
}

/**
 * SQLite storage (better-sqlite3): WAL journal, synchronous=FULL so a committed
 * transaction survives power loss, an append-only update log per document.
 * Appends (the hot path) commit on a {@link CommitThread}; everything else runs
 * synchronously on the main connection and is done when its promise resolves.
 */
export class SqliteStore implements DocumentStore {
  readonly db: Database.Database;
  /** Version history, in the same database. */
  readonly versions: SqliteVersionStore;
  /** Share links, in the same database. */
  readonly links: SqliteLinkStore;
  /** Uploaded images, in the same database. */
  readonly images: SqliteImageStore;
  /** The full-text index, in the same database. */
  readonly search: SqliteSearchIndex;
  /** Trash, a mark on the documents' rows. */
  readonly trash: SqliteTrash;
  private readonly stmts;
  private readonly commits: CommitThread | null;
  /** What the write-ahead log lacked when the store opened with `acceptWalLoss`; null when nothing. */
  readonly walLoss: string | null = null;

  constructor(file: string, options: SqliteStoreOptions = {}) {
    if (file !== ':memory:') {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      // Before SQLite opens the file: opening rebuilds the index this compares against.
      const walProblem = checkWriteAheadLog(file);
      if (walProblem !== null && !options.acceptWalLoss)
        throw new StorageOpenError(
          `cannot open the database at ${file}: ${walProblem}. Starting now would silently lose those changes. ` +
            `Put ${path.basename(file)}-wal back as it was (from a backup, or wherever it went) and start again; ` +
            'or, to start anyway and accept losing them, start once with ACCEPT_WAL_LOSS=1.',
        );
      this.walLoss = walProblem;
    }
    try {
      this.db = new Database(file);
      this.db.pragma('journal_mode = WAL');
      for (const pragma of CONNECTION_PRAGMAS) this.db.pragma(pragma);
      const check = this.db.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`integrity check failed: ${String(check)}`);
      migrate(this.db);
      this.db.function('title_contains', { deterministic: true }, titleContains);
    } catch (error) {
      throw new StorageOpenError(
        `cannot open the database at ${file}: ${(error as Error).message}. ` +
          'Restore it from a backup (see docs/operations.md) or move it aside to start empty.',
        { cause: error },
      );
    }
    const db = this.db;
    this.commits = options.commitThread !== false && file !== ':memory:' ? new CommitThread(file) : null;
    this.versions = new SqliteVersionStore(db);
    this.links = new SqliteLinkStore(db);
    this.images = new SqliteImageStore(db);
    const commits = this.commits;
    this.search = new SqliteSearchIndex(db, commits && ((text) => commits.indexText(text)));
    this.trash = new SqliteTrash(db);
    this.stmts = {
      // A document in Trash is not there for anything but Trash itself.
      getDoc: db.prepare<[string], DocumentRow>('SELECT * FROM documents WHERE id = ? AND trashed_at IS NULL'),
      anyDoc: db.prepare<[string], DocumentRow>('SELECT * FROM documents WHERE id = ?'),
      insertDoc: db.prepare(
        "INSERT OR IGNORE INTO documents (id, title, created_at, updated_at, size) VALUES (?, '', ?, ?, 0)",
      ),
      deletedAt: db.prepare<[string], { deleted_at: number }>('SELECT deleted_at FROM deleted_documents WHERE id = ?'),
      forgetDeleted: db.prepare('DELETE FROM deleted_documents WHERE id = ?'),
      deleteDoc: db.prepare('DELETE FROM documents WHERE id = ?'),
      recordDeleted: db.prepare('INSERT OR REPLACE INTO deleted_documents (id, deleted_at) VALUES (?, ?)'),
      createDoc: db.prepare('INSERT INTO documents (id, title, created_at, updated_at, size) VALUES (?, ?, ?, ?, ?)'),
      loadUpdates: db.prepare<[string], UpdateRow>(
        'SELECT seq, data, codec, state_vector, delete_set FROM updates WHERE doc_id = ? ORDER BY seq',
      ),
      insertState: db.prepare(
        'INSERT INTO updates (doc_id, data, created_at, codec, state_vector, delete_set) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      insertUpdate: db.prepare(APPEND_SQL.insertUpdate),
      touchDoc: db.prepare(APPEND_SQL.touchDoc),
      deleteUpTo: db.prepare('DELETE FROM updates WHERE doc_id = ? AND seq <= ?'),
      setSize: db.prepare(
        'UPDATE documents SET size = (SELECT COALESCE(SUM(LENGTH(data)), 0) FROM updates WHERE doc_id = ?) WHERE id = ?',
      ),
      setTitle: db.prepare('UPDATE documents SET title = ? WHERE id = ?'),
    };
  }

  async load(docId: string): Promise<StoredDocument | null> {
    const row = this.stmts.getDoc.get(docId);
    if (!row) return null;
    return toStored(toMeta(row), this.stmts.loadUpdates.all(docId));
  }

  async ensure(docId: string, now: number): Promise<DocumentMeta> {
    return this.db.transaction(() => {
      this.stmts.insertDoc.run(docId, now, now);
      this.stmts.forgetDeleted.run(docId);
      // A document in Trash stays there: callers check Trash first, and a racing join finds it gone on load.
      return toMeta(this.stmts.anyDoc.get(docId)!);
    })();
  }

  async deletedAt(docId: string): Promise<number | null> {
    return this.stmts.deletedAt.get(docId)?.deleted_at ?? null;
  }

  async create(docId: string, content: NewDocument, now: number): Promise<DocumentMeta> {
    // Deflated off the event loop, before the transaction, which then only writes.
    const { data, codec } = await encodeRowAsync(content.state);
    this.db.transaction(() => {
      this.stmts.createDoc.run(docId, content.title, now, now, data.byteLength);
      this.stmts.insertState.run(docId, data, now, codec, content.summary.stateVector, content.summary.deleteSetUpdate);
    })();
    return toMeta(this.stmts.getDoc.get(docId)!);
  }

  async append(entries: readonly AppendEntry[], now: number): Promise<Map<string, number>> {
    if (this.commits) return this.commits.append(entries, now);
    return this.db.transaction(() => {
      const added = new Map<string, number>();
      const lastSeq = new Map<string, number>();
      for (const { docId, update } of entries) {
        const { lastInsertRowid } = this.stmts.insertUpdate.run(docId, update, now);
        added.set(docId, (added.get(docId) ?? 0) + update.byteLength);
        lastSeq.set(docId, Number(lastInsertRowid));
      }
      for (const [docId, bytes] of added) this.stmts.touchDoc.run(now, bytes, docId);
      return lastSeq;
    })();
  }

  async compact(docId: string, state: Uint8Array, upToSeq: number, summary?: StateSummary): Promise<number> {
    // Deflated off the event loop, before the transaction: rows appended meanwhile are past `upToSeq` and stay.
    const { data, codec } = await encodeRowAsync(state);
    return this.db.transaction(() => {
      this.stmts.deleteUpTo.run(docId, upToSeq);
      const { lastInsertRowid } = this.stmts.insertState.run(
        docId,
        data,
        Date.now(),
        codec,
        summary?.stateVector ?? null,
        summary?.deleteSetUpdate ?? null,
      );
      this.stmts.setSize.run(docId, docId);
      return Number(lastInsertRowid);
    })();
  }

  async setTitle(docId: string, title: string): Promise<void> {
    this.stmts.setTitle.run(title, docId);
  }

  async get(docId: string): Promise<DocumentMeta | null> {
    const row = this.stmts.getDoc.get(docId);
    return row ? toMeta(row) : null;
  }

  async listPage(query: ListQuery): Promise<DocumentMeta[]> {
    const where: string[] = ['trashed_at IS NULL'];
    const params: unknown[] = [];
    if (query.after) {
      // Newest first, ties by id: the rows after (updatedAt, id). The first term lets SQLite walk its index.
      where.push('updated_at <= ? AND (updated_at < ? OR id > ?)');
      params.push(query.after.updatedAt, query.after.updatedAt, query.after.id);
    }
    if (query.titleContains !== undefined && query.titleContains !== '') {
      where.push('title_contains(title, ?)');
      params.push(query.titleContains.toLowerCase());
    }
    const access = sqliteAccessFilter(query.access, 'id');
    if (access) {
      where.push(access.sql);
      params.push(...access.params);
    }
    const sql = `SELECT * FROM documents WHERE ${where.join(' AND ')} ORDER BY updated_at DESC, id LIMIT ?`;
    return this.db
      .prepare<unknown[], DocumentRow>(sql)
      .all(...params, query.limit)
      .map(toMeta);
  }

  async delete(docId: string): Promise<boolean> {
    // Rows in other tables go with it (ON DELETE CASCADE).
    return this.db.transaction(() => {
      const existed = this.stmts.deleteDoc.run(docId).changes > 0;
      if (existed) this.stmts.recordDeleted.run(docId, Date.now());
      return existed;
    })();
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    await this.commits?.close();
    if (this.db.open) this.db.close();
  }
}
