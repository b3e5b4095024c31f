import { SignJWT, errors, jwtVerify } from 'jose';
import { isRole, type AuthUser } from './roles.js';
import { cleanName } from '@tandem/crdt-bridge/presence';
import type { Role } from '@tandem/crdt-bridge/protocol';

/** Raised for a missing, malformed, wrongly signed or expired token; the message is for the person. */
export class AuthError extends Error {
  override readonly name = 'AuthError';
}

const ISSUER = 'tandem';

function key(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** Parses a duration such as "90s", "30m", "12h", "7d" into seconds. */
export function parseTtl(ttl: string): number {
  const match = /^(\d+)\s*([smhd])$/.exec(ttl.trim());
  if (!match) throw new RangeError(`"${ttl}" is not a duration like 30m, 12h or 7d`);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

/** Signs a token (JWT, HS256) for `user`, valid for `ttlSeconds`. */
export async function issueToken(secret: string, user: AuthUser, ttlSeconds: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return signToken(secret, { user, issuedAt: now, expiresAt: now + ttlSeconds });
}

/** What a token says; `linkId` names the share link it belongs to (revocable), when it has one. */
export interface TokenClaims {
  user: AuthUser;
  /** Seconds since the epoch. */
  issuedAt: number;
  /** Seconds since the epoch. */
  expiresAt: number;
  linkId?: string;
}

/** Signs `claims` (JWT, HS256). The same claims always give the same token, so a link's address can be shown again. */
export async function signToken(secret: string, claims: TokenClaims): Promise<string> {
  const { user, issuedAt, expiresAt, linkId } = claims;
  return new SignJWT({ name: user.name, roles: user.roles, ...(linkId !== undefined && { lid: linkId }) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setIssuer(ISSUER)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(key(secret));
}

/** A checked token: who it names, when it expires (ms), and its share link if it has one. */
export interface VerifiedToken {
  user: AuthUser;
  expiresAt: number;
  linkId?: string;
}

/** Checks a token's signature and fields and returns who it names and when it expires; throws AuthError. */
export async function verifyToken(secret: string, token: unknown): Promise<VerifiedToken> {
  if (typeof token !== 'string' || token.length === 0)
    throw new AuthError('Sign-in needed: this server requires an access link.');
  if (token.length > 8192) throw new AuthError('That access token is too long.');
  try {
    const { payload } = await jwtVerify(token, key(secret), { algorithms: ['HS256'], issuer: ISSUER });
    const rolesIn = payload.roles;
    if (
      typeof payload.sub !== 'string' ||
      typeof rolesIn !== 'object' ||
      rolesIn === null ||
      typeof payload.exp !== 'number'
    ) {
      throw new AuthError('That access token is missing required fields.');
    }
    const roles: Record<string, Role> = {};
    for (const [pattern, role] of Object.entries(rolesIn as Record<string, unknown>)) {
      if (isRole(role) && pattern.length <= 128) roles[pattern] = role;
    }
    const linkId = typeof payload.lid === 'string' && payload.lid.length <= 64 ? payload.lid : undefined;
    // The name is stamped into presence, so it follows presence's rule for names. A share
    // link without a name lets each person choose their own (""); older tokens always named someone.
    const name = cleanName(payload.name) ?? (linkId !== undefined ? '' : (cleanName(payload.sub) ?? payload.sub));
    return { user: { id: payload.sub, name, roles }, expiresAt: payload.exp * 1000, ...(linkId && { linkId }) };
  } catch (error) {
    if (error instanceof AuthError) throw error;
    if (error instanceof errors.JWTExpired) throw new AuthError('Your access link has expired. Ask for a new one.');
    throw new AuthError('That access link is not valid for this server.');
  }
}

/** The token from an `Authorization: Bearer …` header, if any. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}
