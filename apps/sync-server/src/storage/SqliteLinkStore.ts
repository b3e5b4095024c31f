import type { Database } from 'better-sqlite3';
import type { LinkStore, NewShareLink, ShareLinkRecord } from './LinkStore.js';
import { activeForCondition, linkRecord, type LinkRow } from './linkRows.js';

/** Share links in the SQLite database, next to the documents. */
export class SqliteLinkStore implements LinkStore {
  private readonly stmts;

  constructor(db: Database) {
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO share_links (id, scope, role, name, user_id, created_by, created_at, expires_at)
         VALUES (@id, @scope, @role, @name, @userId, @createdBy, @createdAt, @expiresAt)`,
      ),
      get: db.prepare<[string], LinkRow>('SELECT * FROM share_links WHERE id = ?'),
      activeFor: db.prepare<{ doc: string; now: number }, LinkRow>(
        `SELECT * FROM share_links WHERE ${activeForCondition('@doc', '@now')} ORDER BY created_at DESC, id`,
      ),
      revoke: db.prepare('UPDATE share_links SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      revokeAllFor: db.prepare('UPDATE share_links SET revoked_at = ? WHERE scope = ? AND revoked_at IS NULL'),
      active: db.prepare<[string, number], { id: string }>(
        `SELECT id FROM share_links WHERE id IN (SELECT value FROM json_each(?))
           AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)`,
      ),
      touch: db.prepare('UPDATE share_links SET last_used_at = ? WHERE id = ?'),
    };
  }

  async create(link: NewShareLink): Promise<void> {
    this.stmts.insert.run(link);
  }

  async get(id: string): Promise<ShareLinkRecord | null> {
    const row = this.stmts.get.get(id);
    return row ? linkRecord(row) : null;
  }

  async activeFor(docId: string, now: number): Promise<ShareLinkRecord[]> {
    return this.stmts.activeFor.all({ doc: docId, now }).map(linkRecord);
  }

  async revoke(id: string, now: number): Promise<boolean> {
    return this.stmts.revoke.run(now, id).changes > 0;
  }

  async revokeAllFor(docId: string, now: number): Promise<void> {
    this.stmts.revokeAllFor.run(now, docId);
  }

  async inactive(ids: readonly string[], now: number): Promise<string[]> {
    if (ids.length === 0) return [];
    const working = new Set(this.stmts.active.all(JSON.stringify(ids), now).map((row) => row.id));
    return ids.filter((id) => !working.has(id));
  }

  async touch(id: string, now: number): Promise<void> {
    this.stmts.touch.run(now, id);
  }
}
