import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { ClusterNode } from '../clusterNode.js';
import { ErrorCode } from '@tandem/crdt-bridge/protocol';
import { OPEN_USER, atLeast, roleFor } from '../auth/roles.js';
import type { AccessTokens } from '../auth/AccessTokens.js';
import { AuthError, bearerToken } from '../auth/tokens.js';
import type { DocumentService } from '../documents/DocumentService.js';
import type { TrashSweep } from '../documents/TrashSweep.js';
import type { HistoryService } from '../history/HistoryService.js';
import { NoSuchDocument, type RoomRegistry } from '../rooms/RoomRegistry.js';
import type { StorageHealth } from '../storage/StorageHealth.js';
import { StorageUnavailableError, storageFailureReason } from '../storage/storageErrors.js';
import type { Quotas } from '../limits/Quotas.js';
import { commentRoutes } from './commentRoutes.js';
import { contentRoutes } from './contentRoutes.js';
import type { DocumentStore } from '../storage/DocumentStore.js';
import { documentRoutes } from './documentRoutes.js';
import type { ServerMetrics } from '../metrics.js';
import { healthRoutes } from './healthRoutes.js';
import { imageRoutes } from './imageRoutes.js';
import type { DocumentImages } from '../images/DocumentImages.js';
import { linkRoutes } from './linkRoutes.js';
import { BadRequest, sendError } from './json.js';
import { matchRoute, type Route } from './router.js';
import { isStateChanging } from './sameOrigin.js';
import { sendStorageUnavailable } from './storageUnavailable.js';
import { trashRoutes } from './trashRoutes.js';
import { versionRoutes } from './versionRoutes.js';
import { sendWorkError } from './workErrors.js';

/** What the API routes need. */
export interface ApiDeps {
  /** Lists documents (and reads history's "latest authors"). */
  store: DocumentStore;
  /** Creating, importing, copying, renaming, exporting and deleting documents. */
  documents: DocumentService;
  /** Documents' uploaded images; `images.load(docId, imageId)` for exports. */
  images: DocumentImages;
  /** When Trash deletes a document for good. */
  trashSweep: TrashSweep;
  registry: RoomRegistry;
  log: Logger;
  history: HistoryService;
  startedAt: number;
  metrics: ServerMetrics;
  connections: () => number;
  /** Whether storage can take writes; `/healthz` reports it. */
  storage: StorageHealth;
  /** Token mode's checks and share links (null in open mode), for routes that check tokens themselves. */
  tokens: AccessTokens | null;
  /** A bearer token that may read `/metrics`, when configured. */
  metricsToken: string | null;
  /** Per-document and per-identity rate limits (versions, restores, new documents). */
  quotas: Quotas;
  /** This node's part in a cluster, if it is one of several. */
  cluster?: ClusterNode;
}

/** Every API route; each feature contributes its own list. */
export function apiRoutes(deps: ApiDeps): Route[] {
  return [
    ...healthRoutes(deps),
    ...documentRoutes(deps),
    ...contentRoutes(deps),
    ...commentRoutes(deps),
    ...versionRoutes(deps),
    ...linkRoutes(deps),
    ...trashRoutes(deps),
    ...imageRoutes(deps),
  ];
}

/**
 * Handles `/healthz` and `/api/*`; returns false for any other path so the
 * caller can serve the editor. Errors become JSON `{ error: { code, message } }`.
 */
export async function handleApi(
  req: IncomingMessage,
  res: ServerResponse,
  routes: readonly Route[],
  log: Logger,
  tokens: AccessTokens | null = null,
  storage: StorageHealth | null = null,
): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = req.method ?? 'GET';
  const found = matchRoute(routes, method, url.pathname);
  if (found === null) {
    if (!url.pathname.startsWith('/api/')) return false;
    sendError(res, 404, 'NOT_FOUND', `No route for ${method} ${url.pathname}.`);
    return true;
  }
  if (found === 'bad-path') {
    sendError(res, 400, 'BAD_PATH', 'The address contains an invalid %-escape.');
    return true;
  }
  if (found === 'method-not-allowed') {
    sendError(res, 405, 'METHOD_NOT_ALLOWED', `${method} is not supported on ${url.pathname}.`);
    return true;
  }
  let user = OPEN_USER;
  if (tokens && !found.route.public) {
    try {
      user = (await tokens.verify(bearerToken(req.headers.authorization))).user;
    } catch (err) {
      res.setHeader('www-authenticate', 'Bearer');
      sendError(res, 401, ErrorCode.Unauthorized, err instanceof AuthError ? err.message : 'Sign-in needed.');
      return true;
    }
  }
  const docId = found.params.id;
  if (found.route.role && docId !== undefined && !atLeast(roleFor(user, docId), found.route.role)) {
    sendError(res, 403, ErrorCode.Forbidden, `This needs the ${found.route.role} role on this document.`);
    return true;
  }
  // While commits fail, a change would only pile up in memory (or wait for recovery): say so at once.
  const writeProblem = isStateChanging(method) ? (storage?.writeProblem() ?? null) : null;
  if (writeProblem !== null) {
    sendStorageUnavailable(res, writeProblem, 'refused');
    return true;
  }
  try {
    await found.route.handler({ req, res, url, params: found.params, user });
  } catch (err) {
    const storageTrouble = err instanceof BadRequest ? null : storageFailureReason(err);
    if (err instanceof BadRequest) {
      // Already answered when a body timed out (see RequestBodies).
      if (!res.headersSent) sendError(res, err.status, err.code, err.message, err.retryAfterSeconds);
    } else if (err instanceof NoSuchDocument) {
      // Deleted while the request was on its way: loading never creates a document.
      if (!res.headersSent) sendError(res, 404, 'NOT_FOUND', 'There is no document with that id.');
    } else if (!res.headersSent && sendWorkError(res, err)) {
      // A job that could not run, did not finish or was refused: answered with its own status.
    } else if (storageTrouble !== null) {
      log.warn({ err, method, path: url.pathname }, 'request failed: storage unavailable');
      const fate = err instanceof StorageUnavailableError ? 'held' : 'failed';
      if (!res.headersSent) sendStorageUnavailable(res, storageTrouble, fate);
    } else {
      log.error({ err, method, path: url.pathname }, 'request failed');
      if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'The server could not handle this request.');
    }
  }
  return true;
}
