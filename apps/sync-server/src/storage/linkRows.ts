import type { Role } from '@tandem/crdt-bridge/protocol';
import type { ShareLinkRecord } from './LinkStore.js';

/** A `share_links` row as both SQLite and PostgreSQL return it (PostgreSQL's bigints as strings). */
export interface LinkRow {
  id: string;
  scope: string;
  role: string;
  name: string;
  user_id: string;
  created_by: string;
  created_at: number | string;
  expires_at: number | string | null;
  last_used_at: number | string | null;
  revoked_at: number | string | null;
}

const orNull = (value: number | string | null): number | null => (value === null ? null : Number(value));

/** The record a row holds. */
export function linkRecord(row: LinkRow): ShareLinkRecord {
  return {
    id: row.id,
    scope: row.scope,
    role: row.role as Role,
    name: row.name,
    userId: row.user_id,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    expiresAt: orNull(row.expires_at),
    lastUsedAt: orNull(row.last_used_at),
    revokedAt: orNull(row.revoked_at),
  };
}

/**
 * The condition, in SQL both databases read, for a link that opens document `$doc` and
 * still works at `$now`: its scope is the id, `*`, or a `prefix-*` the id starts with.
 */
export function activeForCondition(doc: string, now: string): string {
  return `revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ${now})
    AND (scope = ${doc} OR scope = '*'
      OR (scope LIKE '%*' AND substr(${doc}, 1, length(scope) - 1) = substr(scope, 1, length(scope) - 1)))`;
}
