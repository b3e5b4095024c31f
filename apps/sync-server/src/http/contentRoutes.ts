import type { DocumentDetailJSON, ImportDocumentResponse } from '@tandem/crdt-bridge/api';
import { ErrorCode, isValidDocId, newDocId } from '@tandem/crdt-bridge/protocol';
import { cleanTitle, importSentence } from '@tandem/crdt-bridge/schema';
import { atLeast, roleFor } from '../auth/roles.js';
import { embedImages } from '../images/embedImages.js';
import { JobRefused } from '../work/jobs.js';
import { WorkError } from '../work/WorkerPool.js';
import type { ApiDeps } from './api.js';
import { documentJson } from './documentRoutes.js';
import { BadRequest, readBody, readJson, sendError, sendJson } from './json.js';
import { takeDocumentCreation } from './quotas.js';
import type { Route, RouteContext } from './router.js';
import { trashEntryJson } from './trashRoutes.js';

/** Largest Markdown file accepted for import. */
const MAX_IMPORT_BYTES = 2 * 1024 * 1024;

/** The document id from the path, or a 404 when it is not a document that exists. */
export async function existingDoc(deps: ApiDeps, ctx: RouteContext): Promise<string | null> {
  const id = ctx.params.id!;
  if (!isValidDocId(id) || !(await deps.documents.get(id))) {
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

/** A content route's work. */
type ContentHandler = (deps: ApiDeps, ctx: RouteContext) => Promise<void>;

/** What each export format is sent as. */
const EXPORT_FORMATS = {
  markdown: { type: 'text/markdown; charset=utf-8', extension: 'md' },
  html: { type: 'text/html; charset=utf-8', extension: 'html' },
  docx: { type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extension: 'docx' },
} as const;

/**
 * `GET /api/docs/<id>/export?format=markdown|html|docx`: the document as a download, rendered
 * on a worker; `suggestions=include` shows suggestions (Markdown, HTML), `comments=include`
 * adds the open threads as footnotes (HTML).
 */
const exportDocument: ContentHandler = async (deps, ctx) => {
  const id = await existingDoc(deps, ctx);
  if (!id) return;
  const format = ctx.url.searchParams.get('format') ?? 'markdown';
  if (format !== 'markdown' && format !== 'html' && format !== 'docx') {
    sendError(ctx.res, 400, 'INVALID_FORMAT', 'format must be "markdown", "html" or "docx".');
    return;
  }
  const query = ctx.url.searchParams;
  const options = {
    suggestions: query.get('suggestions') === 'include',
    comments: query.get('comments') === 'include',
  };
  const exported =
    format === 'docx' ? await deps.documents.exportDocx(id) : await deps.documents.export(id, format, options);
  if (!exported) {
    sendError(ctx.res, 404, 'NOT_FOUND', 'There is no document with that id.');
    return;
  }
  const { title } = exported;
  const body =
    format === 'html' ? await embedImages(exported.body, (image) => deps.images.load(id, image)) : exported.body;
  const { type, extension } = EXPORT_FORMATS[format];
  const name = fileName(title, id, extension);
  ctx.res.writeHead(200, {
    'content-type': type,
    'content-disposition': `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    'cache-control': 'no-store',
    // An exported page is a download, never a page of ours that runs anything.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
  });
  ctx.res.end(body);
};

/** The Markdown and title an import request carries: a JSON body `{ markdown, title }`, or the text itself. */
async function importRequest(ctx: RouteContext): Promise<{ markdown: string; title: string }> {
  const { req, url } = ctx;
  const title = url.searchParams.get('title') ?? '';
  if (!(req.headers['content-type'] ?? '').includes('application/json'))
    return { markdown: (await readBody(req, MAX_IMPORT_BYTES)).toString('utf8'), title };
  const body = (await readJson(req, MAX_IMPORT_BYTES)) as { markdown?: unknown; title?: unknown };
  if (typeof body.markdown !== 'string') throw new BadRequest(400, 'INVALID_BODY', 'Send { "markdown": "..." }.');
  return { markdown: body.markdown, title: typeof body.title === 'string' ? body.title : title };
}

/**
 * `POST /api/docs/import`: a new document from Markdown, with what it kept in another form
 * (counts and a sentence); permission and quota before the body is read.
 */
const importDocument: ContentHandler = async (deps, ctx) => {
  // The new document's id is known up front, so permission is checked before the body is read.
  const id = newDocId();
  if (!atLeast(roleFor(ctx.user, id), 'editor')) {
    sendError(ctx.res, 403, ErrorCode.Forbidden, 'You may not create documents here.');
    return;
  }
  takeDocumentCreation(deps.quotas, ctx);
  const { markdown, title } = await importRequest(ctx);
  const { meta, kept } = await deps.documents.importMarkdown(id, markdown, cleanTitle(title)).catch((err: unknown) => {
    throw importTooLarge(err);
  });
  const body: ImportDocumentResponse = { ...documentJson(meta), kept, message: importSentence(kept) };
  sendJson(ctx.res, 201, body);
};

/**
 * `GET /api/docs/<id>`: the document as the list shows it. In cluster mode this node answers
 * only when it runs the document or no node does (requests go to the owner first), so the
 * owner it names is itself or null.
 */
const showDocument: ContentHandler = async (deps, ctx) => {
  const id = ctx.params.id!;
  const meta = isValidDocId(id) ? await deps.documents.get(id) : null;
  if (!meta) return sendError(ctx.res, 404, 'NOT_FOUND', 'There is no document with that id.');
  const ownership = deps.store.ownership;
  const body: DocumentDetailJSON = {
    ...documentJson(meta),
    ...(ownership ? { owner: deps.registry.get(id) ? ownership.nodeId : null } : {}),
  };
  sendJson(ctx.res, 200, body);
};

/** `PATCH /api/docs/<id>`: renames it, live for everyone who has it open. */
const renameDocument: ContentHandler = async (deps, ctx) => {
  const id = await existingDoc(deps, ctx);
  if (!id) return;
  const body = (await readJson(ctx.req)) as { title?: unknown };
  if (typeof body.title !== 'string') throw new BadRequest(400, 'INVALID_BODY', 'Send { "title": "..." }.');
  sendJson(ctx.res, 200, documentJson(await deps.documents.rename(id, cleanTitle(body.title))));
};

/** `DELETE /api/docs/<id>`: moves it to Trash (everyone who has it open is told); answers with its Trash entry. */
const deleteDocument: ContentHandler = async (deps, ctx) => {
  const id = await existingDoc(deps, ctx);
  if (!id) return;
  const entry = await deps.documents.trash(id, ctx.user.name);
  if (!entry) return sendError(ctx.res, 404, 'NOT_FOUND', 'There is no document with that id.');
  sendJson(ctx.res, 200, trashEntryJson(deps, entry, ctx.user));
};

/** Show, export, import, rename and delete (to Trash). */
export function contentRoutes(deps: ApiDeps): Route[] {
  const on = (handler: ContentHandler) => (ctx: RouteContext) => handler(deps, ctx);
  const document = /^\/api\/docs\/(?<id>[^/]+)$/;
  return [
    { method: 'GET', pattern: /^\/api\/docs\/(?<id>[^/]+)\/export$/, role: 'viewer', handler: on(exportDocument) },
    { method: 'POST', pattern: /^\/api\/docs\/import$/, handler: on(importDocument) },
    { method: 'GET', pattern: document, role: 'viewer', handler: on(showDocument) },
    { method: 'PATCH', pattern: document, role: 'editor', handler: on(renameDocument) },
    { method: 'DELETE', pattern: document, role: 'owner', handler: on(deleteDocument) },
  ];
}
