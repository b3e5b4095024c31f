import { randomBytes } from 'node:crypto';
import type { Role } from '@tandem/crdt-bridge/protocol';
import type { LinkStore, NewShareLink, ShareLinkRecord } from '../storage/LinkStore.js';
import { AuthError, signToken, verifyToken, type VerifiedToken } from './tokens.js';

/** How long a link's "still works" answer is trusted before the store is asked again. */
const STATUS_TTL_MS = 1_000;
/** How often a link's last use is written at most. */
const TOUCH_EVERY_MS = 60_000;
/** A link that never expires still needs a token expiry: ten years. */
const NEVER_SECONDS = 10 * 365 * 86_400;

/** What a new link is for. */
export interface LinkRequest {
  scope: string;
  role: Role;
  name: string;
  /** The user id its users act as; a fresh one per link when absent. */
  userId?: string;
  createdBy: string;
  /** Null: never expires. */
  expiresAt: number | null;
}

/**
 * Token mode's access checks: a token must be signed with the secret and, when it names a
 * share link, that link must still work (not revoked, not expired). Revocation is noticed
 * by this node at once and by every node within {@link STATUS_TTL_MS}.
 */
export class AccessTokens {
  private readonly status = new Map<string, { working: boolean; at: number }>();
  private readonly touched = new Map<string, number>();
  private readonly revokedListeners = new Set<(linkId: string) => void>();

  constructor(
    private readonly secret: string,
    /** Where links live; without it, tokens are checked by signature alone. */
    readonly links: LinkStore | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** Checks a token; throws AuthError with words for the person when it does not (or no longer) work. */
  async verify(token: unknown): Promise<VerifiedToken> {
    const verified = await verifyToken(this.secret, token);
    if (verified.linkId !== undefined && !(await this.working(verified.linkId)))
      throw new AuthError('This access link was withdrawn. Ask the document’s owner for a new one.');
    return verified;
  }

  /** Creates and stores a link; returns it with its token. */
  async createLink(request: LinkRequest): Promise<{ link: ShareLinkRecord; token: string }> {
    if (!this.links) throw new Error('this store keeps no share links');
    const id = randomBytes(12).toString('base64url');
    const link: NewShareLink = {
      id,
      scope: request.scope,
      role: request.role,
      name: request.name,
      userId: request.userId ?? `link-${id}`,
      createdBy: request.createdBy,
      createdAt: this.now(),
      expiresAt: request.expiresAt,
    };
    await this.links.create(link);
    const record: ShareLinkRecord = { ...link, lastUsedAt: null, revokedAt: null };
    return { link: record, token: await this.tokenOf(record) };
  }

  /** The token of a link: the same every time it is asked for, so its address can be shown again. */
  tokenOf(link: ShareLinkRecord): Promise<string> {
    const issuedAt = Math.floor(link.createdAt / 1000);
    const expiresAt = link.expiresAt === null ? issuedAt + NEVER_SECONDS : Math.floor(link.expiresAt / 1000);
    return signToken(this.secret, {
      user: { id: link.userId, name: link.name, roles: { [link.scope]: link.role } },
      issuedAt,
      expiresAt,
      linkId: link.id,
    });
  }

  /** Revokes a link here and now: connections using it on this node are dropped at once. */
  async revoke(linkId: string): Promise<boolean> {
    if (!this.links) return false;
    const revoked = await this.links.revoke(linkId, this.now());
    this.status.set(linkId, { working: false, at: this.now() });
    for (const listener of this.revokedListeners) listener(linkId);
    return revoked;
  }

  /** Calls `listener` whenever this node revokes a link. */
  onRevoked(listener: (linkId: string) => void): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }

  /** Of `ids`, those that no longer work (asks the store: every node sees every revocation). */
  async inactive(ids: readonly string[]): Promise<string[]> {
    if (!this.links || ids.length === 0) return [];
    const now = this.now();
    const gone = await this.links.inactive(ids, now);
    for (const id of gone) this.status.set(id, { working: false, at: now });
    return gone;
  }

  private async working(linkId: string): Promise<boolean> {
    if (!this.links) return true;
    const now = this.now();
    const known = this.status.get(linkId);
    if (known && now - known.at < STATUS_TTL_MS) return known.working;
    const working = (await this.links.inactive([linkId], now)).length === 0;
    this.status.set(linkId, { working, at: now });
    if (this.status.size > 10_000) this.status.clear();
    if (working && now - (this.touched.get(linkId) ?? 0) >= TOUCH_EVERY_MS) {
      this.touched.set(linkId, now);
      if (this.touched.size > 10_000) this.touched.clear();
      // Last use is a hint for owners, not worth failing a request for.
      this.links.touch(linkId, now).catch(() => undefined);
    }
    return working;
  }
}
