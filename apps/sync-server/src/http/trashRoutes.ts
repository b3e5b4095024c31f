import type { TrashEntryJSON, TrashListJSON } from '@tandem/crdt-bridge/api';
import { isValidDocId } from '@tandem/crdt-bridge/protocol';
import { atLeast, documentAccess, roleFor, type AuthUser } from '../auth/roles.js';
import type { TrashEntry } from '../storage/TrashStore.js';
import type { ApiDeps } from './api.js';
import { documentJson } from './documentRoutes.js';
import { sendError, sendJson } from './json.js';
import type { Route, RouteContext } from './router.js';

/** Most documents `GET /api/trash` lists: Trash empties itself after TRASH_DAYS, so it stays short. */
const MAX_LISTED = 500;

/** A Trash entry as the API shows it to `user`, with what they may do with it. */
export function trashEntryJson(deps: ApiDeps, entry: TrashEntry, user: AuthUser): TrashEntryJSON {
  const role = roleFor(user, entry.meta.id);
  return {
    id: entry.meta.id,
    title: entry.meta.title,
    trashedAt: new Date(entry.trashedAt).toISOString(),
    trashedBy: entry.trashedBy,
    deleteAt: new Date(deps.trashSweep.deleteAt(entry.trashedAt)).toISOString(),
    canRestore: atLeast(role, 'editor'),
    canDeleteForever: atLeast(role, 'owner'),
  };
}

/** The path's document when it is in Trash; otherwise answers 404 and resolves null. */
async function trashed(deps: ApiDeps, ctx: RouteContext): Promise<TrashEntry | null> {
  const id = ctx.params.id!;
  const entry = isValidDocId(id) ? await deps.store.trash.entry(id) : null;
  if (!entry) sendError(ctx.res, 404, 'NOT_IN_TRASH', 'There is no document with that id in Trash.');
  return entry;
}

/**
 * `GET /api/trash` (what the asker may see), `GET /api/trash/<id>`, `POST /api/trash/<id>/restore`
 * (editors and owners: it undoes a deletion, nothing more) and `DELETE /api/trash/<id>` (owners:
 * deleted for good, with its history and links).
 */
export function trashRoutes(deps: ApiDeps): Route[] {
  const one = /^\/api\/trash\/(?<id>[^/]+)$/;
  return [
    {
      method: 'GET',
      pattern: /^\/api\/trash$/,
      handler: async ({ res, user }) => {
        const entries = await deps.store.trash.list(documentAccess(user), MAX_LISTED);
        const body: TrashListJSON = { documents: entries.map((e) => trashEntryJson(deps, e, user)) };
        sendJson(res, 200, body);
      },
    },
    {
      method: 'GET',
      pattern: one,
      role: 'viewer',
      handler: async (ctx) => {
        const entry = await trashed(deps, ctx);
        if (entry) sendJson(ctx.res, 200, trashEntryJson(deps, entry, ctx.user));
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/trash\/(?<id>[^/]+)\/restore$/,
      role: 'editor',
      handler: async (ctx) => {
        const meta = isValidDocId(ctx.params.id) ? await deps.documents.restore(ctx.params.id) : null;
        if (!meta) return sendError(ctx.res, 404, 'NOT_IN_TRASH', 'There is no document with that id in Trash.');
        sendJson(ctx.res, 200, documentJson(meta));
      },
    },
    {
      method: 'DELETE',
      pattern: one,
      role: 'owner',
      handler: async (ctx) => {
        if (!(await trashed(deps, ctx))) return;
        await deps.documents.deleteForever(ctx.params.id!);
        ctx.res.writeHead(204).end();
      },
    },
  ];
}
