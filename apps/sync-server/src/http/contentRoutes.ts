import { ErrorCode, isValidDocId, newDocId } from '@tandem/crdt-bridge/protocol';
import { cleanTitle, setStoredTitle } from '@tandem/crdt-bridge/schema';
import { atLeast, roleFor } from '../auth/roles.js';
import { roomName } from '../rooms/Room.js';
import { JobRefused } from '../work/jobs.js';
import { WorkError } from '../work/WorkerPool.js';
import type { ApiDeps } from './api.js';
import { documentJson } from './documentRoutes.js';
import { BadRequest, readBody, readJson, sendError, sendJson } from './json.js';
import { takeDocumentCreation } from './quotas.js';
import type { Route, RouteContext } from './router.js';

/** Largest Markdown file accepted for import. */
const MAX_IMPORT_BYTES = 2 * 1024 * 1024;

/** The document id from the path, or a 404 when it is not a document that exists. */
async function existingDoc(deps: ApiDeps, ctx: RouteContext): Promise<string | null> {
  const id = ctx.params.id!;
  if (!isValidDocId(id) || !(await deps.store.get(id))) {
    sendError(ctx.res, 404, 'NOT_FOUND', 'There is no document with that id.');
    return null;
  }
  return id;
}

/** An import's job that was refused or stopped, as the 413 it is: the Markdown sent is too much to import. */
function importTooLarge(err: unknown): unknown {
  if (err instanceof JobRefused && err.code === 'TOO_LARGE')
    return new BadRequest(413, 'IMPORT_TOO_LARGE', err.message);
  if (err instanceof WorkError && (err.kind === 'timeout' || err.kind === 'memory'))
    return new BadRequest(
      413,
      'IMPORT_TOO_LARGE',
      `This Markdown is too large or too complex to import: ${err.message[0]!.toLowerCase()}${err.message.slice(1)} Split it into smaller files.`,
    );
  return err;
}

/** A file name safe for Content-Disposition. */
function fileName(title: string, fallback: string, extension: string): string {
  const base =
    title
      .replace(/[^\p{L}\p{N} _-]+/gu, '')
      .trim()
      .slice(0, 80) || fallback;
  return `${base}.${extension}`;
}

/** Export, import, rename and delete. */
export function contentRoutes(deps: ApiDeps): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/api\/docs\/(?<id>[^/]+)\/export$/,
      role: 'viewer',
      handler: async (ctx) => {
        const id = await existingDoc(deps, ctx);
        if (!id) return;
        const format = ctx.url.searchParams.get('format') ?? 'markdown';
        if (format !== 'markdown' && format !== 'html') {
          sendError(ctx.res, 400, 'INVALID_FORMAT', 'format must be "markdown" or "html".');
          return;
        }
        // Read as it is (the live state, or the stored rows of a document nobody has open) and rendered on a worker.
        const updates = await deps.registry.contentOf(id);
        if (!updates) {
          sendError(ctx.res, 404, 'NOT_FOUND', 'There is no document with that id.');
          return;
        }
        const { body, title } = await deps.work.run('exportDocument', { source: { updates }, format });
        const type = format === 'markdown' ? 'text/markdown; charset=utf-8' : 'text/html; charset=utf-8';
        const name = fileName(title, id, format === 'markdown' ? 'md' : 'html');
        ctx.res.writeHead(200, {
          'content-type': type,
          'content-disposition': `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`,
          'cache-control': 'no-store',
          // An exported page is a download, never a page of ours that runs anything.
          'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
        });
        ctx.res.end(body);
      },
    },
    {
      method: 'POST',
      pattern: /^\/api\/docs\/import$/,
      handler: async (ctx) => {
        const { req, res, url, user } = ctx;
        // The new document's id is known up front, so permission is checked before the body is read.
        const id = newDocId();
        if (!atLeast(roleFor(user, id), 'editor')) {
          sendError(res, 403, ErrorCode.Forbidden, 'You may not create documents here.');
          return;
        }
        takeDocumentCreation(deps.quotas, ctx);
        const isJson = (req.headers['content-type'] ?? '').includes('application/json');
        let markdown: string;
        let title = url.searchParams.get('title') ?? '';
        if (isJson) {
          const body = (await readJson(req, MAX_IMPORT_BYTES)) as { markdown?: unknown; title?: unknown };
          if (typeof body.markdown !== 'string')
            throw new BadRequest(400, 'INVALID_BODY', 'Send { "markdown": "..." }.');
          markdown = body.markdown;
          if (typeof body.title === 'string') title = body.title;
        } else {
          markdown = (await readBody(req, MAX_IMPORT_BYTES)).toString('utf8');
        }
        const content = await deps.work
          .run('importMarkdown', {
            markdown,
            title: cleanTitle(title),
            maxStateBytes: deps.maxStateBytes,
          })
          .catch((err: unknown) => {
            throw importTooLarge(err);
          });
        const { state, stateVector, deleteSetUpdate } = content;
        // One transaction: an import that fails or is refused leaves no document behind.
        const meta = await deps.store.create(
          id,
          { state, summary: { stateVector, deleteSetUpdate }, title: content.title },
          Date.now(),
        );
        sendJson(res, 201, documentJson(meta));
      },
    },
    {
      method: 'PATCH',
      pattern: /^\/api\/docs\/(?<id>[^/]+)$/,
      role: 'editor',
      handler: async (ctx) => {
        const id = await existingDoc(deps, ctx);
        if (!id) return;
        const body = (await readJson(ctx.req)) as { title?: unknown };
        if (typeof body.title !== 'string') throw new BadRequest(400, 'INVALID_BODY', 'Send { "title": "..." }.');
        const title = cleanTitle(body.title);
        // The title lives in the document, so open editors see the rename live.
        await deps.registry.withRoom(id, (room) => {
          room.doc.transact(() => setStoredTitle(room.doc, title), { source: 'server', reason: 'rename' });
        });
        await deps.writes.durableOrFail();
        sendJson(ctx.res, 200, documentJson((await deps.store.get(id))!));
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/api\/docs\/(?<id>[^/]+)$/,
      role: 'owner',
      handler: async (ctx) => {
        const id = await existingDoc(deps, ctx);
        if (!id) return;
        deps.io.to(roomName(id)).emit('doc-error', {
          docId: id,
          code: ErrorCode.DocumentDeleted,
          message: 'This document was deleted. Your copy is no longer saved.',
        });
        await deps.registry.evict(id);
        await deps.store.delete(id);
        deps.log.info({ doc: id }, 'document deleted');
        ctx.res.writeHead(204).end();
      },
    },
  ];
}
