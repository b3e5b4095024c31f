import type Database from 'better-sqlite3';
import { rawPacked, type PackedState } from './rowCodec.js';
import type { AuthorEntry, NewVersion, VersionKind, VersionMeta, VersionPatch, VersionStore } from './VersionStore.js';

interface VersionRow {
  id: number;
  doc_id: string;
  kind: VersionKind;
  name: string | null;
  created_at: number;
  authors: string;
  size: number;
  restore_of: number | null;
  pinned: number;
}

/** Columns of a version without its state, which can be large. */
const META_COLUMNS = 'id, doc_id, kind, name, created_at, authors, size, restore_of, pinned';

function parseAuthors(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

function toMeta(row: VersionRow): VersionMeta {
  return {
    id: row.id,
    docId: row.doc_id,
    kind: row.kind,
    name: row.name,
    createdAt: row.created_at,
    authors: parseAuthors(row.authors),
    size: row.size,
    restoreOf: row.restore_of,
    pinned: row.pinned !== 0,
  };
}

/** Version history in the same SQLite database as the documents (tables from migration 2). */
export class SqliteVersionStore implements VersionStore {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      insert: db.prepare(
        'INSERT INTO versions (doc_id, kind, name, created_at, authors, size, state, restore_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      list: db.prepare<[string], VersionRow>(
        `SELECT ${META_COLUMNS} FROM versions WHERE doc_id = ? ORDER BY created_at DESC, id DESC`,
      ),
      get: db.prepare<[number, string], VersionRow>(`SELECT ${META_COLUMNS} FROM versions WHERE id = ? AND doc_id = ?`),
      state: db.prepare<[number, string], { state: Buffer }>('SELECT state FROM versions WHERE id = ? AND doc_id = ?'),
      deleteAuto: db.prepare(
        "DELETE FROM versions WHERE id = ? AND doc_id = ? AND kind = 'auto' AND name IS NULL AND pinned = 0",
      ),
      upsertAuthor: db.prepare(
        `INSERT INTO doc_authors (doc_id, client_id, name, color) VALUES (?, ?, ?, ?)
         ON CONFLICT (doc_id, client_id) DO UPDATE SET name = excluded.name, color = excluded.color`,
      ),
      newestAuthors: db.prepare<[string], { doc_id: string; authors: string }>(
        'SELECT doc_id, authors FROM versions WHERE doc_id = ? ORDER BY created_at DESC, id DESC LIMIT 1',
      ),
      authors: db.prepare<[string], { client_id: number; name: string; color: string | null }>(
        'SELECT client_id, name, color FROM doc_authors WHERE doc_id = ?',
      ),
    };
  }

  async addVersion(version: NewVersion): Promise<VersionMeta> {
    const { lastInsertRowid } = this.stmts.insert.run(
      version.docId,
      version.kind,
      version.name,
      version.createdAt,
      JSON.stringify(version.authors),
      version.state.byteLength,
      version.state,
      version.restoreOf ?? null,
    );
    return toMeta(this.stmts.get.get(Number(lastInsertRowid), version.docId)!);
  }

  async listVersions(docId: string): Promise<VersionMeta[]> {
    return this.stmts.list.all(docId).map(toMeta);
  }

  async getVersion(docId: string, id: number): Promise<VersionMeta | null> {
    const row = this.stmts.get.get(id, docId);
    return row ? toMeta(row) : null;
  }

  async versionState(docId: string, id: number): Promise<PackedState | null> {
    const row = this.stmts.state.get(id, docId);
    return row ? rawPacked(new Uint8Array(row.state.buffer, row.state.byteOffset, row.state.byteLength)) : null;
  }

  async updateVersion(docId: string, id: number, patch: VersionPatch): Promise<VersionMeta | null> {
    const sets: string[] = [];
    const values: unknown[] = [];
    const set = (column: string, value: unknown): void => {
      sets.push(`${column} = ?`);
      values.push(value);
    };
    if (patch.name !== undefined) set('name', patch.name);
    if (patch.kind !== undefined) set('kind', patch.kind);
    if (patch.pinned !== undefined) set('pinned', patch.pinned ? 1 : 0);
    if (patch.state !== undefined) {
      set('state', patch.state);
      set('size', patch.state.byteLength);
    }
    if (sets.length > 0) {
      // Column names come from the fixed list above, never from input.
      this.db.prepare(`UPDATE versions SET ${sets.join(', ')} WHERE id = ? AND doc_id = ?`).run(...values, id, docId);
    }
    return this.getVersion(docId, id);
  }

  async deleteAutoVersions(docId: string, ids: readonly number[]): Promise<number> {
    return this.db.transaction(() => {
      let deleted = 0;
      for (const id of ids) deleted += this.stmts.deleteAuto.run(id, docId).changes;
      return deleted;
    })();
  }

  async recordAuthors(docId: string, authors: readonly AuthorEntry[]): Promise<void> {
    this.db.transaction(() => {
      for (const a of authors) this.stmts.upsertAuthor.run(docId, a.clientId, a.name, a.color);
    })();
  }

  async latestAuthors(docIds: readonly string[]): Promise<Map<string, string[]>> {
    // One index lookup per document of the page, never a scan of every version.
    const rows = docIds.flatMap((id) => this.stmts.newestAuthors.all(id));
    const result = new Map<string, string[]>();
    for (const row of rows) {
      try {
        const names = JSON.parse(row.authors) as unknown;
        if (Array.isArray(names))
          result.set(
            row.doc_id,
            names.filter((n): n is string => typeof n === 'string'),
          );
      } catch {
        // A damaged authors column only costs the "edited by" line.
      }
    }
    return result;
  }

  async authors(docId: string): Promise<AuthorEntry[]> {
    return this.stmts.authors.all(docId).map((r) => ({ clientId: r.client_id, name: r.name, color: r.color }));
  }
}
