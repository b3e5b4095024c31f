import type { ApiDeps } from './api.js';
import { existingDoc } from './contentRoutes.js';
import { sendError, sendJson } from './json.js';
import type { Route, RouteContext } from './router.js';

/**
 * `GET /api/docs/<id>/comments`: every comment thread, oldest first, with the text each is
 * on now (null, and `deleted`, when that text is gone). Reading needs viewer access, like
 * the document itself; changing comments goes through the live document (see PROTOCOL.md).
 */
async function listComments(deps: ApiDeps, ctx: RouteContext): Promise<void> {
  const id = await existingDoc(deps, ctx);
  if (!id) return;
  const comments = await deps.documents.comments(id);
  if (!comments) return sendError(ctx.res, 404, 'NOT_FOUND', 'There is no document with that id.');
  sendJson(ctx.res, 200, comments);
}

/** The comments API (read only). */
export function commentRoutes(deps: ApiDeps): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/api\/docs\/(?<id>[^/]+)\/comments$/,
      role: 'viewer',
      handler: (ctx) => listComments(deps, ctx),
    },
  ];
}
