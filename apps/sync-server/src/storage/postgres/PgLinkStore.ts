import type pg from 'pg';
import type { LinkStore, NewShareLink, ShareLinkRecord } from '../LinkStore.js';
import { activeForCondition, linkRecord, type LinkRow } from '../linkRows.js';

/** Share links in PostgreSQL: every node reads the same rows, so a revocation reaches them all. */
export class PgLinkStore implements LinkStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(link: NewShareLink): Promise<void> {
    await this.pool.query(
      `INSERT INTO share_links (id, scope, role, name, user_id, created_by, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [link.id, link.scope, link.role, link.name, link.userId, link.createdBy, link.createdAt, link.expiresAt],
    );
  }

  async get(id: string): Promise<ShareLinkRecord | null> {
    const { rows } = await this.pool.query<LinkRow>('SELECT * FROM share_links WHERE id = $1', [id]);
    return rows[0] ? linkRecord(rows[0]) : null;
  }

  async activeFor(docId: string, now: number): Promise<ShareLinkRecord[]> {
    const { rows } = await this.pool.query<LinkRow>(
      `SELECT * FROM share_links WHERE ${activeForCondition('$1::text', '$2')} ORDER BY created_at DESC, id`,
      [docId, now],
    );
    return rows.map(linkRecord);
  }

  async revoke(id: string, now: number): Promise<boolean> {
    const result = await this.pool.query(
      'UPDATE share_links SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
      [now, id],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async revokeAllFor(docId: string, now: number): Promise<void> {
    await this.pool.query('UPDATE share_links SET revoked_at = $1 WHERE scope = $2 AND revoked_at IS NULL', [
      now,
      docId,
    ]);
  }

  async inactive(ids: readonly string[], now: number): Promise<string[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM share_links WHERE id = ANY($1::text[])
         AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)`,
      [ids, now],
    );
    const working = new Set(rows.map((row) => row.id));
    return ids.filter((id) => !working.has(id));
  }

  async touch(id: string, now: number): Promise<void> {
    await this.pool.query('UPDATE share_links SET last_used_at = $1 WHERE id = $2', [now, id]);
  }
}
