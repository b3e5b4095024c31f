import { isValidDocId } from '@tandem/crdt-bridge/protocol';
import { imagePath } from '../images/DocumentImages.js';
import type { ApiDeps } from './api.js';
import { existingDoc } from './contentRoutes.js';
import { BadRequest, readBody, sendError, sendJson } from './json.js';
import { takeImageUpload } from './quotas.js';
import type { Route, RouteContext } from './router.js';

/** An image's bytes never change under its id, so a reader may keep them as long as it likes. */
const IMAGE_CACHE = 'private, max-age=31536000, immutable';

function megabytes(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

/** The upload's bytes, read with the size cap: too large is refused as soon as it shows, not after reading it all. */
async function readImage(ctx: RouteContext, maxBytes: number): Promise<Buffer> {
  try {
    return await readBody(ctx.req, maxBytes);
  } catch (err) {
    if (!(err instanceof BadRequest) || err.status !== 413) throw err;
    // The rest of the body is not read: the connection closes after this answer.
    ctx.res.setHeader('connection', 'close');
    throw new BadRequest(413, 'IMAGE_TOO_LARGE', `This image is larger than ${megabytes(maxBytes)}.`);
  }
}

/** `POST /api/docs/<id>/images`: the raw bytes of a PNG, JPEG, GIF or WebP → `201 { id, url }`. */
async function uploadImage(deps: ApiDeps, ctx: RouteContext): Promise<void> {
  const docId = await existingDoc(deps, ctx);
  if (!docId) return;
  // Counted before the body is read: a refused upload costs the server nothing.
  takeImageUpload(deps.quotas, ctx);
  const bytes = await readImage(ctx, deps.images.maxBytes);
  const outcome = await deps.images.upload(docId, bytes);
  if ('refused' in outcome) {
    if (outcome.refused === 'too-large')
      throw new BadRequest(413, 'IMAGE_TOO_LARGE', `This image is larger than ${megabytes(deps.images.maxBytes)}.`);
    if (outcome.refused === 'not-kept')
      throw new BadRequest(501, 'IMAGES_NOT_KEPT', 'This server’s storage does not keep images.');
    throw new BadRequest(415, 'UNSUPPORTED_IMAGE', 'Only PNG, JPEG, GIF and WebP images can be added.');
  }
  if (outcome.added) deps.log.info({ doc: docId, image: outcome.id, bytes: bytes.length }, 'image stored');
  sendJson(ctx.res, 201, { id: outcome.id, url: imagePath(docId, outcome.id) });
}

/** `GET /api/docs/<id>/images/<imageId>`: the bytes, with their sniffed type, never to be run or sniffed again. */
async function serveImage(deps: ApiDeps, ctx: RouteContext): Promise<void> {
  const docId = ctx.params.id!;
  const imageId = ctx.params.imageId!;
  const image = isValidDocId(docId) ? await deps.images.load(docId, imageId) : null;
  if (!image) return sendError(ctx.res, 404, 'NOT_FOUND', 'This document has no such image.');
  const etag = `"${imageId}"`;
  const headers = {
    etag,
    'cache-control': IMAGE_CACHE,
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'",
    'content-disposition': 'inline',
  };
  if (ctx.req.headers['if-none-match'] === etag) {
    ctx.res.writeHead(304, headers);
    ctx.res.end();
    return;
  }
  ctx.res.writeHead(200, { ...headers, 'content-type': image.mime, 'content-length': image.bytes.length });
  ctx.res.end(ctx.req.method === 'HEAD' ? undefined : image.bytes);
}

/** Uploading (editors) and reading (viewers) a document's images. */
export function imageRoutes(deps: ApiDeps): Route[] {
  return [
    {
      method: 'POST',
      pattern: /^\/api\/docs\/(?<id>[^/]+)\/images$/,
      role: 'editor',
      handler: (ctx) => uploadImage(deps, ctx),
    },
    {
      method: 'GET',
      pattern: /^\/api\/docs\/(?<id>[^/]+)\/images\/(?<imageId>[^/]+)$/,
      role: 'viewer',
      handler: (ctx) => serveImage(deps, ctx),
    },
  ];
}
