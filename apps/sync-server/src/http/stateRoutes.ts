import { isValidDocId } from '@tandem/crdt-bridge/protocol';
import { atLeast, OPEN_USER, roleFor, type AuthUser } from '../auth/roles.js';
import { bearerToken } from '../auth/tokens.js';
import type { ApiDeps } from './api.js';
import type { Route, RouteContext } from './router.js';

/**
 * `GET /api/docs/<id>/state`: the document's whole Yjs state (V1 update), what a newcomer's
 * sync step 2 carries, for an editor to fetch while its code is still loading. The socket's
 * join needs three round trips, each waiting for a page that is busy starting up; this request
 * needs none. It is only a head start: whenever the socket would be the better judge (no
 * access, no such document, in Trash, a cluster, a reader who may not edit, storage trouble)
 * the answer is an empty 204 and the page opens the document through its join as before, which
 * says why. 204 rather than 4xx, because browsers log every 4xx as a console error.
 */
async function sendState(deps: ApiDeps, ctx: RouteContext): Promise<void> {
  const id = ctx.params.id!;
  const state = isValidDocId(id) && !deps.cluster ? await stateFor(deps, ctx, id) : null;
  if (!state) {
    ctx.res.writeHead(204, { 'cache-control': 'no-store' });
    ctx.res.end();
    return;
  }
  ctx.res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': state.byteLength,
    'cache-control': 'no-store',
  });
  ctx.res.end(state);
}

/** The state when the asker may edit the document and it exists; null otherwise. */
async function stateFor(deps: ApiDeps, ctx: RouteContext, id: string): Promise<Uint8Array | null> {
  const user = await asker(deps, ctx);
  if (!user || !atLeast(roleFor(user, id), 'editor')) return null;
  if (!deps.registry.get(id) && !(await deps.store.get(id))) return null;
  try {
    // Loads the room the join that follows will use (it stays loaded while anyone has it open).
    return await deps.registry.withRoom(id, (room) => room.fullState());
  } catch (err) {
    deps.log.debug({ err, docId: id }, 'state for an opening page not sent; its join will say why');
    return null;
  }
}

/** Who asks: everyone is an owner in open mode; null for a missing or refused token. */
async function asker(deps: ApiDeps, ctx: RouteContext): Promise<AuthUser | null> {
  if (!deps.tokens) return OPEN_USER;
  try {
    return (await deps.tokens.verify(bearerToken(ctx.req.headers.authorization))).user;
  } catch {
    return null;
  }
}

/** The state an opening editor fetches (checks its own token: a refusal must not be a 4xx). */
export function stateRoutes(deps: ApiDeps): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/api\/docs\/(?<id>[^/]+)\/state$/,
      public: true,
      handler: (ctx) => sendState(deps, ctx),
    },
  ];
}
