import type { DocumentJSON, DocumentPageJSON } from '@tandem/crdt-bridge/api';
import { ErrorCode, isValidDocId, newDocId } from '@tandem/crdt-bridge/protocol';
import { MAX_TITLE_LENGTH } from '@tandem/crdt-bridge/schema';
import { atLeast, documentAccess, roleFor } from '../auth/roles.js';
import type { DocumentMeta } from '../storage/DocumentStore.js';
import type { ApiDeps } from './api.js';
import { searchPage } from './documentSearch.js';
import { BadRequest, readJson, sendError, sendJson } from './json.js';
import { takeDocumentCreation } from './quotas.js';
import type { Route } from './router.js';

/** Documents in one page of the list when the request does not say. */
export const DEFAULT_PAGE_SIZE = 50;
/** Most documents in one page of the list, whatever the request says. */
export const MAX_PAGE_SIZE = 200;
/** Longest search accepted: as long as the longest title. */
const MAX_QUERY_LENGTH = MAX_TITLE_LENGTH;

/** A document as the API shows it; `editors` are the people behind its latest version, when known. */
export function documentJson(meta: DocumentMeta, editors: string[] = []): DocumentJSON {
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

/** The opaque position after `meta` in the list: where the next page starts. */
function cursorAfter(meta: DocumentMeta): string {
  return Buffer.from(JSON.stringify([meta.updatedAt, meta.id])).toString('base64url');
}

/** The position a `cursor` names; throws BadRequest for one this server did not hand out. */
function readCursor(cursor: string): { updatedAt: number; id: string } {
  const invalid = new BadRequest(
    400,
    'INVALID_CURSOR',
    'That list position is not valid; load the list again from the start (without cursor).',
  );
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (!Array.isArray(value) || value.length !== 2 || !Number.isSafeInteger(value[0]) || !isValidDocId(value[1]))
    throw invalid;
  return { updatedAt: value[0] as number, id: value[1] };
}

/** `limit` from the query: a whole number from 1; above the maximum it means the maximum. */
function pageSize(raw: string | null): number {
  if (raw === null || raw === '') return DEFAULT_PAGE_SIZE;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1)
    throw new BadRequest(400, 'INVALID_LIMIT', `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}.`);
  return Math.min(Number(raw), MAX_PAGE_SIZE);
}

/** `GET /api/docs` (a page of the list, newest first) and `POST /api/docs` (create). */
export function documentRoutes(deps: ApiDeps): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/api\/docs$/,
      handler: async ({ res, url, user }) => {
        const limit = pageSize(url.searchParams.get('limit'));
        const cursor = url.searchParams.get('cursor');
        const q = (url.searchParams.get('q') ?? '').trim();
        if (q.length > MAX_QUERY_LENGTH)
          throw new BadRequest(400, 'INVALID_QUERY', `Search for at most ${MAX_QUERY_LENGTH} characters.`);
        const access = documentAccess(user);
        const describe = async (page: DocumentMeta[]): Promise<DocumentJSON[]> => {
          const editors = (await deps.store.versions?.latestAuthors(page.map((d) => d.id))) ?? new Map();
          return page.map((d) => documentJson(d, editors.get(d.id)));
        };
        if (q && deps.store.search) {
          sendJson(res, 200, await searchPage(deps.store.search, { q, limit, cursor, access, describe }));
          return;
        }
        // One more than asked for tells whether there is a next page.
        const rows = await deps.store.listPage({
          limit: limit + 1,
          access,
          ...(cursor ? { after: readCursor(cursor) } : {}),
          ...(q ? { titleContains: q } : {}),
        });
        const page = rows.slice(0, limit);
        const last = page.at(-1);
        const body: DocumentPageJSON = {
          documents: await describe(page),
          next: rows.length > limit && last ? cursorAfter(last) : null,
        };
        sendJson(res, 200, body);
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
        // A document in Trash is restored, not made again empty under the same id.
        if (await deps.store.trash.entry(id)) {
          sendError(
            res,
            409,
            ErrorCode.DocumentInTrash,
            'A document with this id is in Trash. Restore it (POST /api/trash/<id>/restore) instead.',
          );
          return;
        }
        // Only a document that comes into being counts; one that was deleted for good may be created again.
        if (!(await deps.documents.get(id))) takeDocumentCreation(deps.quotas, ctx);
        const { meta, created } = await deps.documents.create(id);
        sendJson(res, created ? 201 : 200, documentJson(meta));
      },
    },
  ];
}
