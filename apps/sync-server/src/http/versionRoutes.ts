import type { DiffSideJSON, RestoreResultJSON, VersionJSON, VersionListJSON } from '@tandem/crdt-bridge/api';
import { cleanName } from '@tandem/crdt-bridge/presence';
import { ErrorCode, isValidDocId, newDocId } from '@tandem/crdt-bridge/protocol';
import { atLeast, roleFor } from '../auth/roles.js';
import type { DiffAgainst } from '../history/HistoryService.js';
import { accepted } from './historyRefusals.js';
import type { VersionMeta } from '../storage/VersionStore.js';
import type { ApiDeps } from './api.js';
import { documentJson } from './documentRoutes.js';
import { BadRequest, readJson, sendJson, sendJsonWith } from './json.js';
import { takeDocumentCreation, takeNamedVersion, takeRestore } from './quotas.js';
import type { Route, RouteContext } from './router.js';

/** Longest version name accepted. */
const MAX_NAME_LENGTH = 200;

/** A version as the API shows it. */
export function versionJson(version: VersionMeta): VersionJSON {
  return {
    id: version.id,
    name: version.name,
    kind: version.kind,
    createdAt: new Date(version.createdAt).toISOString(),
    authors: version.authors,
    size: version.size,
    restoreOf: version.restoreOf,
    pinned: version.pinned,
  };
}

/** The request body as an object; anything else (an array, a number) is refused. */
async function bodyObject(ctx: RouteContext): Promise<Record<string, unknown>> {
  const body = await readJson(ctx.req);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new BadRequest(400, 'INVALID_BODY', 'The request body must be a JSON object.');
  return body as Record<string, unknown>;
}

/** A version name from a body: 1–200 characters after trimming. */
function versionName(value: unknown): string {
  const name = typeof value === 'string' ? value.trim() : '';
  if (name === '' || name.length > MAX_NAME_LENGTH)
    throw new BadRequest(400, 'INVALID_NAME', `Send { "name": "..." } with 1 to ${MAX_NAME_LENGTH} characters.`);
  return name;
}

/** A version id from the path: a positive whole number. */
function versionId(raw: string | undefined): number {
  if (raw === undefined || !/^[1-9]\d{0,14}$/.test(raw))
    throw new BadRequest(400, 'INVALID_VERSION_ID', 'Version ids are positive whole numbers.');
  return Number(raw);
}

/** What `?against=` asks a diff to compare with: a version id, "current", or "previous" (the default). */
function diffAgainst(raw: string | null): DiffAgainst {
  if (raw === null || raw === '' || raw === 'previous') return 'previous';
  if (raw === 'current') return 'current';
  if (/^[1-9]\d{0,14}$/.test(raw)) return Number(raw);
  throw new BadRequest(400, 'INVALID_AGAINST', 'against must be a version id, "current" or "previous".');
}

/** A version route's work, once the document is known to exist. */
type VersionHandler = (deps: ApiDeps, ctx: RouteContext, docId: string) => Promise<void>;

/** `GET …/versions`: the versions, newest first, and their authors' colours. */
const listVersions: VersionHandler = async (deps, { res }, docId) => {
  const { versions: list, colors } = accepted(await deps.history.list(docId));
  const body: VersionListJSON = { versions: list.map(versionJson), colors };
  sendJson(res, 200, body);
};

/** `POST …/versions`: names the current state. */
const nameCurrent: VersionHandler = async (deps, ctx, docId) => {
  takeNamedVersion(deps.quotas, docId);
  const name = versionName((await bodyObject(ctx)).name);
  sendJson(ctx.res, 201, versionJson(accepted(await deps.history.nameCurrent(docId, name))));
};

/** `GET …/versions/<vid>`: a version's content as JSON, Markdown or HTML, rendered on a worker. */
const readVersion: VersionHandler = async (deps, { res, url, params }, docId) => {
  const id = versionId(params.vid);
  const format = url.searchParams.get('format') ?? 'json';
  if (format !== 'json' && format !== 'markdown' && format !== 'html')
    throw new BadRequest(400, 'INVALID_FORMAT', 'format must be "json", "markdown" or "html".');
  const found = accepted(await deps.history.content(docId, id, format));
  if (format === 'json') {
    sendJsonWith(res, 200, { version: versionJson(found.version) }, found.body);
    return;
  }
  res.writeHead(200, {
    'content-type': format === 'markdown' ? 'text/markdown; charset=utf-8' : 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // As in export: a rendered version is a document, never a page of ours that runs anything.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  });
  res.end(found.body);
};

/** `PATCH …/versions/<vid>`: names, renames or unnames a version. */
const renameVersion: VersionHandler = async (deps, ctx, docId) => {
  const id = versionId(ctx.params.vid);
  const body = await bodyObject(ctx);
  const name = body.name === null ? null : versionName(body.name);
  sendJson(ctx.res, 200, versionJson(accepted(await deps.history.rename(docId, id, name))));
};

/** `GET …/versions/<vid>/diff`: what changed, made and bounded on a worker; the body goes out as it came. */
const diffVersion: VersionHandler = async (deps, { res, url, params }, docId) => {
  const id = versionId(params.vid);
  const diff = accepted(await deps.history.diff(docId, id, diffAgainst(url.searchParams.get('against'))));
  const side = (s: typeof diff.base): DiffSideJSON => ({
    version: s.version ? versionJson(s.version) : null,
    current: s.current,
  });
  sendJsonWith(res, 200, { base: side(diff.base), target: side(diff.target) }, diff.body);
};

/** `POST …/versions/<vid>/restore`: restores the version (or one block of it) for everyone. */
const restoreVersion: VersionHandler = async (deps, ctx, docId) => {
  takeRestore(deps.quotas, docId);
  const id = versionId(ctx.params.vid);
  const body = await bodyObject(ctx);
  if (body.block !== undefined && (typeof body.block !== 'number' || !Number.isInteger(body.block)))
    throw new BadRequest(400, 'INVALID_BLOCK', 'block must be the index of a top-level block of the version.');
  const result = accepted(
    await deps.history.restore(docId, id, {
      // With tokens, the token says who restores; in open mode the client does.
      by: cleanName(ctx.user.name) ?? cleanName(body.by),
      ...(body.block === undefined ? {} : { block: body.block as number }),
    }),
  );
  const restored: RestoreResultJSON = {
    restored: versionJson(result.restored),
    restorePoint: versionJson(result.restorePoint),
    changed: result.changed,
    update: result.update ? Buffer.from(result.update).toString('base64') : null,
  };
  sendJson(ctx.res, 200, restored);
};

/** `POST …/versions/<vid>/copy`: a new document holding the version. */
const copyVersion: VersionHandler = async (deps, ctx, docId) => {
  takeDocumentCreation(deps.quotas, ctx);
  const id = versionId(ctx.params.vid);
  // Reading the version is enough to copy it, but the copy is a new document one must be allowed to make.
  const copyId = newDocId();
  if (!atLeast(roleFor(ctx.user, copyId), 'editor'))
    throw new BadRequest(403, ErrorCode.Forbidden, 'You may not create documents here.');
  const { packed } = accepted(await deps.history.version(docId, id));
  sendJson(ctx.res, 201, documentJson(await deps.documents.copyVersion(packed, copyId, docId)));
};

/**
 * Version history: list, name, read (JSON, Markdown or HTML), diff, restore (whole or
 * one block) and copy. Every route answers 404 for a document that does not exist and
 * 501 when the store keeps no history. Reading needs the viewer role, changing the
 * editor role (checked by the API layer from `role`).
 */
export function versionRoutes(deps: ApiDeps): Route[] {
  /** Checks the document exists, then runs the handler (history refusals become errors through `accepted`). */
  const forDoc =
    (handler: VersionHandler) =>
    async (ctx: RouteContext): Promise<void> => {
      const docId = ctx.params.id!;
      if (!isValidDocId(docId))
        throw new BadRequest(400, 'INVALID_DOC_ID', 'Document ids are 1–64 letters, digits, "-" or "_".');
      if (!deps.history.enabled)
        throw new BadRequest(501, 'HISTORY_UNAVAILABLE', 'This server keeps no version history.');
      if (!(await deps.documents.get(docId)))
        throw new BadRequest(404, 'NOT_FOUND', 'There is no document with that id.');
      await handler(deps, ctx, docId);
    };
  const versions = /^\/api\/docs\/(?<id>[^/]+)\/versions$/;
  const version = /^\/api\/docs\/(?<id>[^/]+)\/versions\/(?<vid>[^/]+)$/;
  const action = (name: string): RegExp => new RegExp(`^/api/docs/(?<id>[^/]+)/versions/(?<vid>[^/]+)/${name}$`);
  return [
    { method: 'GET', pattern: versions, role: 'viewer', handler: forDoc(listVersions) },
    { method: 'POST', pattern: versions, role: 'editor', handler: forDoc(nameCurrent) },
    { method: 'GET', pattern: version, role: 'viewer', handler: forDoc(readVersion) },
    { method: 'PATCH', pattern: version, role: 'editor', handler: forDoc(renameVersion) },
    { method: 'GET', pattern: action('diff'), role: 'viewer', handler: forDoc(diffVersion) },
    { method: 'POST', pattern: action('restore'), role: 'editor', handler: forDoc(restoreVersion) },
    { method: 'POST', pattern: action('copy'), role: 'viewer', handler: forDoc(copyVersion) },
  ];
}
