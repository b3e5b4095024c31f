import { ErrorCode, isValidDocId, newDocId } from '@tandem/crdt-bridge';
import { atLeast, roleFor } from '../auth/roles.js';
import type { DocumentMeta } from '../storage/DocumentStore.js';
import type { ApiDeps } from './api.js';
import { BadRequest, readJson, sendError, sendJson } from './json.js';
import { takeDocumentCreation } from './quotas.js';
import type { Route } from './router.js';

/** A document as the API shows it; `editors` are the people behind its latest version, when known. */
export function documentJson(meta: DocumentMeta, editors: readonly string[] = []): Record<string, unknown> {
  return {
    editors,
    id: meta.id,
    title: meta.title,
    updatedAt: new Date(meta.updatedAt).toISOString(),
    createdAt: new Date(meta.createdAt).toISOString(),
    size: meta.size,
    url: `/d/${meta.id}`,
  };
}

/** Reads `id` from a JSON body if present; throws BadRequest when it is not a valid id. */
function requestedId(body: unknown): string | undefined {
  const id = typeof body === 'object' && body !== null ? (body as { id?: unknown }).id : undefined;
  if (id === undefined) return undefined;
  if (!isValidDocId(id))
    throw new BadRequest(400, 'INVALID_DOC_ID', 'Document ids are 1–64 letters, digits, "-" or "_".');
  return id;
}

/** `GET /api/docs` (list, newest first) and `POST /api/docs` (create). */
export function documentRoutes(deps: ApiDeps): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/api\/docs$/,
      handler: async ({ res, user }) => {
        const docs = (await deps.store.list()).filter((d) => roleFor(user, d.id) !== null);
        const editors = (await deps.store.versions?.latestAuthors()) ?? new Map<string, string[]>();
        sendJson(res, 200, { documents: docs.map((d) => documentJson(d, editors.get(d.id))) });
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/docs$/,
      handler: async (ctx) => {
        const { req, res, user } = ctx;
        const id = requestedId(await readJson(req)) ?? newDocId();
        if (!atLeast(roleFor(user, id), 'editor')) {
          sendError(res, 403, ErrorCode.Forbidden, 'You may not create documents here.');
          return;
        }
        const existing = await deps.store.get(id);
        // Only a document that comes into being counts; one that was deleted may be created again.
        if (!existing) takeDocumentCreation(deps.quotas, ctx);
        const meta = existing ?? (await deps.store.ensure(id, Date.now()));
        sendJson(res, existing ? 200 : 201, documentJson(meta));
      },
    },
  ];
}
