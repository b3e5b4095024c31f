import type { Role } from '@tandem/crdt-bridge';

/** Where the access token from a share link is kept (token mode only). */
export const TOKEN_STORAGE_KEY = 'tandem.token';

/** The stored access token, if this browser has one. */
export function accessToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Stores the token a share link carried. */
export function storeAccessToken(token: string): void {
  localStorage.setItem(TOKEN_STORAGE_KEY, token);
}

/** Headers that present the token to the HTTP API (none in open mode). */
export function authHeaders(): Record<string, string> {
  const token = accessToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

/**
 * The name this browser's access link gives its holder, when it names one: the server shows
 * everyone that name, so it is the one to show here too. Read without checking the signature —
 * it only decides what this page displays; the server checks the token itself.
 */
export function linkName(token: string | null = accessToken()): string | null {
  const name = claimsOf(token)?.name;
  return typeof name === 'string' && name.trim() !== '' ? name.trim() : null;
}

/** Who this browser's link says its holder is (the token's subject): the id the server knows them by; null in open mode. */
export function linkSubject(token: string | null = accessToken()): string | null {
  const sub = claimsOf(token)?.sub;
  return typeof sub === 'string' && sub !== '' ? sub : null;
}

/** A token's claims, read without checking the signature (for what the page shows only); null when unreadable. */
function claimsOf(token: string | null): Record<string, unknown> | null {
  const payload = token?.split('.')[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as unknown;
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const RANK: Record<Role, number> = { viewer: 1, commenter: 2, editor: 3, owner: 4 };

/**
 * The role this browser's link gives on `docId` (exact ids and patterns, as the server reads
 * them); in open mode (no token) everyone owns everything. It decides what the page offers;
 * the server decides what is allowed.
 */
export function linkRoleFor(docId: string, token: string | null = accessToken()): Role | null {
  if (token === null) return 'owner';
  const roles = claimsOf(token)?.roles;
  if (typeof roles !== 'object' || roles === null) return null;
  let best: Role | null = null;
  for (const [pattern, role] of Object.entries(roles as Record<string, unknown>)) {
    if (role !== 'viewer' && role !== 'commenter' && role !== 'editor' && role !== 'owner') continue;
    const covers =
      pattern === '*' || pattern === docId || (pattern.endsWith('*') && docId.startsWith(pattern.slice(0, -1)));
    if (covers && (best === null || RANK[role] > RANK[best])) best = role;
  }
  return best;
}

/** Whether "New document" and "Import" can work: new documents get fresh ids, so only a link for every document allows them. */
export function mayCreateDocuments(token: string | null = accessToken()): boolean {
  if (token === null) return true;
  const everything = (claimsOf(token)?.roles as Record<string, unknown> | undefined)?.['*'];
  return everything === 'editor' || everything === 'owner';
}

/** Whether this browser signs in with a link (token mode) rather than being in open mode. */
export function usesAccessLinks(): boolean {
  return accessToken() !== null;
}
