import type { IncomingMessage, ServerResponse } from 'node:http';

/** Writes a JSON response. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

/**
 * Writes a JSON object made of `fields` followed by the fields of `object`: the UTF-8
 * text of a JSON object made elsewhere (on a worker), sent as it is rather than parsed
 * and written again on the event loop.
 */
export function sendJsonWith(
  res: ServerResponse,
  status: number,
  fields: Record<string, unknown>,
  object: Uint8Array,
): void {
  const head = JSON.stringify(fields);
  const rest = Buffer.from(object.buffer, object.byteOffset, object.byteLength);
  if (rest[0] !== 0x7b /* { */ || rest[rest.byteLength - 1] !== 0x7d /* } */)
    throw new TypeError('sendJsonWith needs the text of a JSON object');
  const restEmpty = rest.byteLength === 2;
  const body =
    head === '{}'
      ? rest
      : restEmpty
        ? Buffer.from(head)
        : Buffer.concat([Buffer.from(`${head.slice(0, -1)},`), rest.subarray(1)]);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(body);
}

/**
 * Writes a JSON error in the shape every API route uses: `{ error: { code, message } }`;
 * with `retryAfterSeconds` (429, 503), also the `Retry-After` header.
 */
export function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  retryAfterSeconds?: number,
): void {
  if (retryAfterSeconds !== undefined) res.setHeader('retry-after', String(Math.max(1, Math.ceil(retryAfterSeconds))));
  sendJson(res, status, { error: { code, message } });
}

/** Raised when a request cannot be served as asked (a bad body, a quota…); becomes a JSON error. */
export class BadRequest extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Sent as `Retry-After` (429, 503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** Reads a request body of at most `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  // A body announced as too large is refused before any of it is read.
  if (Number(req.headers['content-length']) > limit)
    throw new BadRequest(413, 'PAYLOAD_TOO_LARGE', `Request bodies are limited to ${limit} bytes.`);
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) throw new BadRequest(413, 'PAYLOAD_TOO_LARGE', `Request bodies are limited to ${limit} bytes.`);
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    // The client went away mid-upload: nobody is left to answer, and it is not a server error.
    if (!(err instanceof BadRequest) && req.destroyed)
      throw new BadRequest(400, 'UPLOAD_ABORTED', 'The upload was cut off before it finished.');
    throw err;
  }
  return Buffer.concat(chunks);
}

/** Reads a JSON request body of at most `limit` bytes; an empty body reads as {}. */
export async function readJson(req: IncomingMessage, limit = 64 * 1024): Promise<unknown> {
  const text = (await readBody(req, limit)).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest(400, 'INVALID_JSON', 'The request body is not valid JSON.');
  }
}
