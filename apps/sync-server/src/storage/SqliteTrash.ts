import type { Database } from 'better-sqlite3';
import type { DocumentAccess, DocumentMeta } from './DocumentStore.js';
import { sqliteAccessFilter } from './accessFilters.js';
import { documentMeta, type DocumentRow } from './storedRows.js';
import type { TrashEntry, TrashStore } from './TrashStore.js';

/** A `documents` row with its Trash columns. */
type TrashedRow = DocumentRow & { trashed_at: number; trashed_by: string };

/** A Trash entry from its row. */
function trashEntry(row: TrashedRow): TrashEntry {
  return { meta: documentMeta(row), trashedAt: row.trashed_at, trashedBy: row.trashed_by };
}

/** Trash in the SQLite database: a mark on the document's row. */
export class SqliteTrash implements TrashStore {
  private readonly stmts;

  constructor(private readonly db: Database) {
    this.stmts = {
      trash: db.prepare<[number, string, string]>(
        'UPDATE documents SET trashed_at = ?, trashed_by = ? WHERE id = ? AND trashed_at IS NULL',
      ),
      entry: db.prepare<[string], TrashedRow>('SELECT * FROM documents WHERE id = ? AND trashed_at IS NOT NULL'),
      restore: db.prepare<[string]>("UPDATE documents SET trashed_at = NULL, trashed_by = '' WHERE id = ?"),
      due: db.prepare<[number, number], { id: string }>(
        'SELECT id FROM documents WHERE trashed_at IS NOT NULL AND trashed_at < ? ORDER BY trashed_at LIMIT ?',
      ),
    };
  }

  async moveToTrash(docId: string, by: string, now: number): Promise<TrashEntry | null> {
    return this.db.transaction(() => {
      if (this.stmts.trash.run(now, by, docId).changes === 0) return null;
      return trashEntry(this.stmts.entry.get(docId)!);
    })();
  }

  async entry(docId: string): Promise<TrashEntry | null> {
    const row = this.stmts.entry.get(docId);
    return row ? trashEntry(row) : null;
  }

  async list(access: DocumentAccess, limit: number): Promise<TrashEntry[]> {
    const where = sqliteAccessFilter(access, 'id') ?? { sql: '1', params: [] };
    return this.db
      .prepare<unknown[], TrashedRow>(
        `SELECT * FROM documents WHERE trashed_at IS NOT NULL AND ${where.sql} ORDER BY trashed_at DESC, id LIMIT ?`,
      )
      .all(...where.params, limit)
      .map(trashEntry);
  }

  async restore(docId: string): Promise<DocumentMeta | null> {
    return this.db.transaction(() => {
      const row = this.stmts.entry.get(docId);
      if (!row) return null;
      this.stmts.restore.run(docId);
      return documentMeta(row);
    })();
  }

  async trashedBefore(cutoff: number, limit: number): Promise<string[]> {
    return this.stmts.due.all(cutoff, limit).map((row) => row.id);
  }
}
