import type { Role } from '@tandem/crdt-bridge/protocol';

/** A share link as stored: what it opens, for whom, and whether it still works. */
export interface ShareLinkRecord {
  id: string;
  /** A document id, or a pattern (`*`, `prefix-*`) for links made with `npm run token`. */
  scope: string;
  role: Role;
  /** The name its users are shown under; "" lets each choose their own. */
  name: string;
  /** The user id its users act as (presence, versions' authors). */
  userId: string;
  /** Who made it: their name, "" when made with `npm run token`. */
  createdBy: string;
  createdAt: number;
  /** Null: it never expires. */
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/** A new link, as {@link LinkStore.create} takes it. */
export type NewShareLink = Omit<ShareLinkRecord, 'lastUsedAt' | 'revokedAt'>;

/**
 * Where share links live, next to the documents they open. A token names its link, so
 * revoking the link here is what withdraws every copy of the token.
 */
export interface LinkStore {
  /** Stores a new link. */
  create(link: NewShareLink): Promise<void>;
  /** One link, revoked or not; null when there is none of that id. */
  get(id: string): Promise<ShareLinkRecord | null>;
  /** Links that are neither revoked nor expired at `now` and open `docId` (by id or pattern), newest first. */
  activeFor(docId: string, now: number): Promise<ShareLinkRecord[]>;
  /** Revokes a link; resolves false when it was already revoked or never existed. */
  revoke(id: string, now: number): Promise<boolean>;
  /** Revokes every link made for exactly this document (it is gone for good). */
  revokeAllFor(docId: string, now: number): Promise<void>;
  /** Of `ids`, those that no longer work at `now`: revoked, expired, or unknown. */
  inactive(ids: readonly string[], now: number): Promise<string[]>;
  /** Records that a link was used at `now`. */
  touch(id: string, now: number): Promise<void>;
}
