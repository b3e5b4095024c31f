import type { Role } from '@tandem/crdt-bridge/protocol';
import type { DocumentAccess } from '../storage/DocumentStore.js';

const RANK: Record<Role, number> = { viewer: 1, commenter: 2, editor: 3, owner: 4 };

/** Who is connected, as their token says. */
export interface AuthUser {
  id: string;
  name: string;
  /** Role per document id or pattern: an exact id, "*" for every document, or "prefix-*". */
  roles: Record<string, Role>;
}

/** True when `value` is one of the four roles. */
export function isRole(value: unknown): value is Role {
  return value === 'viewer' || value === 'commenter' || value === 'editor' || value === 'owner';
}

/** Whether `role` allows what `needed` allows. */
export function atLeast(role: Role | null, needed: Role): boolean {
  return role !== null && RANK[role] >= RANK[needed];
}

function matches(pattern: string, docId: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return docId.startsWith(pattern.slice(0, -1));
  return pattern === docId;
}

/** The documents `user` has any role on, as a list filter: the same patterns {@link roleFor} reads. */
export function documentAccess(user: AuthUser): DocumentAccess {
  const patterns = Object.keys(user.roles);
  if (patterns.includes('*')) return { all: true };
  return {
    ids: patterns.filter((p) => !p.endsWith('*')),
    prefixes: patterns.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1)),
  };
}

/** The highest role `user` has on `docId` (exact ids and wildcards alike), or null for none. */
export function roleFor(user: AuthUser, docId: string): Role | null {
  let best: Role | null = null;
  for (const [pattern, role] of Object.entries(user.roles)) {
    if (matches(pattern, docId) && (best === null || RANK[role] > RANK[best])) best = role;
  }
  return best;
}

/** Open mode: everyone may do everything (one person, or a trusted network). */
export const OPEN_USER: AuthUser = Object.freeze({ id: 'anonymous', name: '', roles: { '*': 'owner' as Role } });
