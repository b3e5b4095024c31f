import type { CreateShareLinkRequest, ShareLinkJSON, ShareLinkListJSON } from '@tandem/crdt-bridge/api';
import { cleanName } from '@tandem/crdt-bridge/presence';
import { ErrorCode } from '@tandem/crdt-bridge/protocol';
import type { AccessTokens } from '../auth/AccessTokens.js';
import { atLeast, isRole, roleFor, type AuthUser } from '../auth/roles.js';
import type { ShareLinkRecord } from '../storage/LinkStore.js';
import type { ApiDeps } from './api.js';
import { BadRequest, readJson, sendError, sendJson } from './json.js';
import type { Route, RouteContext } from './router.js';

/** Longest expiry a link may be given, in days (ten years). */
const MAX_EXPIRY_DAYS = 3650;
const DAY_MS = 86_400_000;

/** The address that opens `link`'s scope with its token: in the fragment, which browsers never send or log. */
export function linkPath(token: string, scope: string): string {
  const doc = scope.includes('*') ? '' : `&doc=${encodeURIComponent(scope)}`;
  return `/auth#token=${encodeURIComponent(token)}${doc}`;
}

/** A link as the API shows it. */
async function linkJson(tokens: AccessTokens, link: ShareLinkRecord): Promise<ShareLinkJSON> {
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: link.id,
    scope: link.scope,
    role: link.role,
    name: link.name,
    createdBy: link.createdBy,
    createdAt: new Date(link.createdAt).toISOString(),
    expiresAt: iso(link.expiresAt),
    lastUsedAt: iso(link.lastUsedAt),
    url: linkPath(await tokens.tokenOf(link), link.scope),
  };
}

/** Whether `user` owns everything `scope` opens: a pattern link is revoked only by someone who owns all it reaches. */
function ownsScope(user: AuthUser, scope: string): boolean {
  if (!scope.includes('*')) return roleFor(user, scope) === 'owner';
  const prefix = scope.slice(0, -1);
  return Object.entries(user.roles).some(
    ([pattern, role]) =>
      role === 'owner' && (pattern === '*' || (pattern.endsWith('*') && prefix.startsWith(pattern.slice(0, -1)))),
  );
}

/** The link request in a body; throws BadRequest for anything else. */
function linkRequest(body: unknown): Required<Pick<CreateShareLinkRequest, 'role'>> & CreateShareLinkRequest {
  const given = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (!isRole(given.role))
    throw new BadRequest(400, 'INVALID_ROLE', 'A link needs a role: "viewer", "commenter", "editor" or "owner".');
  if (given.name !== undefined && typeof given.name !== 'string')
    throw new BadRequest(400, 'INVALID_NAME', 'A link’s name must be text.');
  const days = given.expiresInDays;
  if (
    days !== undefined &&
    days !== null &&
    (!Number.isInteger(days) || (days as number) < 1 || (days as number) > MAX_EXPIRY_DAYS)
  )
    throw new BadRequest(400, 'INVALID_EXPIRY', `expiresInDays must be a whole number from 1 to ${MAX_EXPIRY_DAYS}.`);
  return {
    role: given.role,
    ...(typeof given.name === 'string' && { name: given.name }),
    ...(typeof days === 'number' && { expiresInDays: days }),
  };
}

/** The token checks, or an answer saying links need token mode; null when answered. */
function tokensOr409(deps: ApiDeps, ctx: RouteContext): AccessTokens | null {
  if (deps.tokens?.links) return deps.tokens;
  sendError(
    ctx.res,
    409,
    'OPEN_MODE',
    'This server runs without access links: anyone who can reach it can open and edit every document.',
  );
  return null;
}

/** `GET/POST /api/docs/<id>/links` (list, create) and `DELETE /api/docs/<id>/links/<linkId>` (revoke): owners only. */
export function linkRoutes(deps: ApiDeps): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/api\/docs\/(?<id>[^/]+)\/links$/,
      role: 'owner',
      handler: async (ctx) => {
        const tokens = tokensOr409(deps, ctx);
        if (!tokens) return;
        const links = await tokens.links!.activeFor(ctx.params.id!, Date.now());
        const body: ShareLinkListJSON = { links: await Promise.all(links.map((l) => linkJson(tokens, l))) };
        sendJson(ctx.res, 200, body);
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/docs\/(?<id>[^/]+)\/links$/,
      role: 'owner',
      handler: async (ctx) => {
        const tokens = tokensOr409(deps, ctx);
        if (!tokens) return;
        const request = linkRequest(await readJson(ctx.req));
        const docId = ctx.params.id!;
        if (!atLeast(roleFor(ctx.user, docId), request.role)) {
          sendError(ctx.res, 403, ErrorCode.Forbidden, 'A link cannot give more access than you have.');
          return;
        }
        if (!(await deps.documents.get(docId))) {
          sendError(ctx.res, 404, 'NOT_FOUND', 'There is no document with that id.');
          return;
        }
        const { link } = await tokens.createLink({
          scope: docId,
          role: request.role,
          name: cleanName(request.name ?? '') ?? '',
          createdBy: ctx.user.name,
          expiresAt: request.expiresInDays === undefined ? null : Date.now() + request.expiresInDays * DAY_MS,
        });
        deps.log.info({ doc: docId, link: link.id, role: link.role }, 'share link created');
        sendJson(ctx.res, 201, await linkJson(tokens, link));
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/api\/docs\/(?<id>[^/]+)\/links\/(?<linkId>[A-Za-z0-9_-]{1,64})$/,
      role: 'owner',
      handler: async (ctx) => {
        const tokens = tokensOr409(deps, ctx);
        if (!tokens) return;
        const link = await tokens.links!.get(ctx.params.linkId!);
        const active =
          link !== null && link.revokedAt === null && (link.expiresAt === null || link.expiresAt > Date.now());
        const opens =
          link !== null && (await tokens.links!.activeFor(ctx.params.id!, Date.now())).some((l) => l.id === link.id);
        if (!link || !active || !opens) {
          sendError(ctx.res, 404, 'NOT_FOUND', 'This document has no working link with that id.');
          return;
        }
        if (!ownsScope(ctx.user, link.scope)) {
          sendError(
            ctx.res,
            403,
            ErrorCode.Forbidden,
            'This link opens more than this document; only someone who owns all of it may revoke it.',
          );
          return;
        }
        await tokens.revoke(link.id);
        deps.log.info({ doc: ctx.params.id, link: link.id }, 'share link revoked');
        ctx.res.writeHead(204).end();
      },
    },
  ];
}
