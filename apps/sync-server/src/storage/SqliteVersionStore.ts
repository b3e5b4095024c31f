import type Database from 'better-sqlite3';
import type { PackedState } from './rowCodec.js';
import {
  VERSION_COLUMNS as META_COLUMNS,
  authorNames,
  bytesOf as bytes,
  packedVersionState,
  versionMeta as toMeta,
  versionRowState,
  versionStateQuery,
  type VersionRow,
  type VersionStateRow,
} from './storedRows.js';
import {
  packVersionState,
  type BaseCandidate,
  type Packing,
  type VersionPacker,
  type VersionState,
} from './versionPacking.js';
import {
  DocumentGone,
  type AuthorEntry,
  type NewVersion,
  type VersionKind,
  type VersionMeta,
  type VersionPatch,
  type VersionStore,
} from './VersionStore.js';

/** How many times to pack again when the base a delta was made for went away meanwhile. */
const PACK_ATTEMPTS = 3;

/**
 * Version history in the same SQLite database as the documents (tables from migrations 2
 * and 6). A version's state is stored deflated, either as a base of its own or as a small
 * delta on a base shared with other versions (see `versionPacking.ts`); a base is deleted
 * with the last version that builds on it.
 */
export class SqliteVersionStore implements VersionStore {
  private readonly stmts;
  private pack: VersionPacker = packVersionState;

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      insert: db.prepare(
        'INSERT INTO versions (doc_id, kind, name, created_at, authors, size, state, codec, base_id, restore_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      insertBase: db.prepare(
        'INSERT INTO version_bases (doc_id, data, codec, state_vector, size) VALUES (?, ?, ?, ?, ?)',
      ),
      latestBase: db.prepare<[string], { id: number; state_vector: Buffer; versions: number }>(
        `SELECT b.id, b.state_vector, (SELECT COUNT(*) FROM versions v WHERE v.base_id = b.id) AS versions
           FROM version_bases b WHERE b.doc_id = ? ORDER BY b.id DESC LIMIT 1`,
      ),
      baseExists: db.prepare<[number, string], { id: number }>(
        'SELECT id FROM version_bases WHERE id = ? AND doc_id = ?',
      ),
      docExists: db.prepare<[string], { id: string }>('SELECT id FROM documents WHERE id = ?'),
      repack: db.prepare('UPDATE versions SET state = ?, codec = ?, base_id = ?, size = ? WHERE id = ? AND doc_id = ?'),
      dropUnusedBases: db.prepare(
        'DELETE FROM version_bases WHERE doc_id = ? AND NOT EXISTS (SELECT 1 FROM versions v WHERE v.base_id = version_bases.id)',
      ),
      historyBytes: db.prepare<[string, string], { bytes: number }>(
        `SELECT (SELECT COALESCE(SUM(LENGTH(state)), 0) FROM versions WHERE doc_id = ?)
              + (SELECT COALESCE(SUM(LENGTH(data)), 0) FROM version_bases WHERE doc_id = ?) AS bytes`,
      ),
      list: db.prepare<[string], VersionRow>(
        `SELECT ${META_COLUMNS} FROM versions WHERE doc_id = ? ORDER BY created_at DESC, id DESC`,
      ),
      get: db.prepare<[number, string], VersionRow>(`SELECT ${META_COLUMNS} FROM versions WHERE id = ? AND doc_id = ?`),
      state: db.prepare<[number, string], VersionStateRow>(versionStateQuery('?', '?')),
      deleteThinnable: db.prepare(
        "DELETE FROM versions WHERE id = ? AND doc_id = ? AND kind IN ('auto', 'restore-point') AND name IS NULL AND pinned = 0",
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

  packWith(pack: VersionPacker): void {
    this.pack = pack;
  }

  async addVersion(version: NewVersion): Promise<VersionMeta> {
    const id = await this.storePacked(version.docId, version.state, (packing, baseId) => {
      const { state, codec } = versionRowState(packing);
      return Number(
        this.stmts.insert.run(
          version.docId,
          version.kind,
          version.name,
          version.createdAt,
          JSON.stringify(version.authors),
          packing.stateBytes,
          state,
          codec,
          baseId,
          version.restoreOf ?? null,
        ).lastInsertRowid,
      );
    });
    return toMeta(this.stmts.get.get(id, version.docId)!);
  }

  /** Total bytes the document's history takes in the database (versions and the bases they build on). */
  async historyBytes(docId: string): Promise<number> {
    return this.stmts.historyBytes.get(docId, docId)?.bytes ?? 0;
  }

  /**
   * Packs `state` (off the event loop) and writes it with `write` in one transaction, a new
   * base first when the packing needs one; `write` gets the base's id. A delta whose base
   * went away while it was being packed (every version on it thinned) is packed again.
   */
  private async storePacked<T>(
    docId: string,
    state: VersionState,
    write: (packing: Packing, baseId: number) => T,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const latest = this.stmts.latestBase.get(docId);
      const base: BaseCandidate | null =
        latest && attempt < PACK_ATTEMPTS
          ? { id: latest.id, stateVector: bytes(latest.state_vector), versions: latest.versions }
          : null;
      const packing = await this.pack(state, base);
      const written = this.db
        .transaction((): { value: T } | null => {
          // Packing took a while off the event loop: the document may have been deleted meanwhile.
          if (!this.stmts.docExists.get(docId)) throw new DocumentGone(docId);
          if (packing.kind === 'delta') {
            if (!this.stmts.baseExists.get(packing.baseId, docId)) return null;
            return { value: write(packing, packing.baseId) };
          }
          const baseId = Number(
            this.stmts.insertBase.run(docId, packing.data, packing.codec, packing.stateVector, packing.stateBytes)
              .lastInsertRowid,
          );
          const value = write(packing, baseId);
          this.stmts.dropUnusedBases.run(docId);
          return { value };
          // Immediate: it reads before it writes, and the commit thread writes to the same file.
        })
        .immediate();
      if (written) return written.value;
    }
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
    return row ? packedVersionState(row) : null;
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
    const { state } = patch;
    if (state !== undefined) {
      await this.storePacked(docId, state, (packing, baseId) => {
        const row = versionRowState(packing);
        return this.stmts.repack.run(row.state, row.codec, baseId, packing.stateBytes, id, docId);
      });
    }
    if (sets.length > 0) {
      // Column names come from the fixed list above, never from input.
      this.db.prepare(`UPDATE versions SET ${sets.join(', ')} WHERE id = ? AND doc_id = ?`).run(...values, id, docId);
    }
    return this.getVersion(docId, id);
  }

  async deleteThinnable(docId: string, ids: readonly number[]): Promise<number> {
    return this.db.transaction(() => {
      let deleted = 0;
      for (const id of ids) deleted += this.stmts.deleteThinnable.run(id, docId).changes;
      if (deleted > 0) this.stmts.dropUnusedBases.run(docId);
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
    return new Map(rows.map((row) => [row.doc_id, authorNames(row.authors)]));
  }

  async authors(docId: string): Promise<AuthorEntry[]> {
    return this.stmts.authors.all(docId).map((r) => ({ clientId: r.client_id, name: r.name, color: r.color }));
  }
}
