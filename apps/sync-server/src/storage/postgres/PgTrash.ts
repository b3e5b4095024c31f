import type pg from 'pg';
import type { DocumentAccess, DocumentMeta } from '../DocumentStore.js';
import { DOCUMENT_COLUMNS, documentMeta, type DocumentRow } from '../storedRows.js';
import type { TrashEntry, TrashStore } from '../TrashStore.js';
import { pgAccessFilter } from '../accessFilters.js';

/** A `documents` row with its Trash columns (bigint read as a number, as the pool is set up to). */
type TrashedRow = DocumentRow & { trashed_at: number; trashed_by: string };

const TRASH_COLUMNS = `${DOCUMENT_COLUMNS}, trashed_at, trashed_by`;

/** A Trash entry from its row. */
function trashEntry(row: TrashedRow): TrashEntry {
  return { meta: documentMeta(row), trashedAt: Number(row.trashed_at), trashedBy: row.trashed_by };
}

/** Trash in PostgreSQL: a mark on the document's row, seen by every node at once. */
export class PgTrash implements TrashStore {
  constructor(private readonly pool: pg.Pool) {}

  async moveToTrash(docId: string, by: string, now: number): Promise<TrashEntry | null> {
    const { rows } = await this.pool.query<TrashedRow>(
      `UPDATE documents SET trashed_at = $2, trashed_by = $3 WHERE id = $1 AND trashed_at IS NULL
       RETURNING ${TRASH_COLUMNS}`,
      [docId, now, by],
    );
    return rows[0] ? trashEntry(rows[0]) : null;
  }

  async entry(docId: string): Promise<TrashEntry | null> {
    const { rows } = await this.pool.query<TrashedRow>(
      `SELECT ${TRASH_COLUMNS} FROM documents WHERE id = $1 AND trashed_at IS NOT NULL`,
      [docId],
    );
    return rows[0] ? trashEntry(rows[0]) : null;
  }

  async list(access: DocumentAccess, limit: number): Promise<TrashEntry[]> {
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const allowed = pgAccessFilter(access, 'id', param) ?? 'true';
    const { rows } = await this.pool.query<TrashedRow>(
      `SELECT ${TRASH_COLUMNS} FROM documents WHERE trashed_at IS NOT NULL AND ${allowed}
       ORDER BY trashed_at DESC, id LIMIT ${param(limit)}`,
      params,
    );
    return rows.map(trashEntry);
  }

  async restore(docId: string): Promise<DocumentMeta | null> {
    const { rows } = await this.pool.query<DocumentRow>(
      `UPDATE documents SET trashed_at = NULL, trashed_by = '' WHERE id = $1 AND trashed_at IS NOT NULL
       RETURNING ${DOCUMENT_COLUMNS}`,
      [docId],
    );
    return rows[0] ? documentMeta(rows[0]) : null;
  }

  async trashedBefore(cutoff: number, limit: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      'SELECT id FROM documents WHERE trashed_at IS NOT NULL AND trashed_at < $1 ORDER BY trashed_at LIMIT $2',
      [cutoff, limit],
    );
    return rows.map((row) => row.id);
  }
}
