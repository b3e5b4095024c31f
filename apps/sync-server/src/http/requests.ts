import type { AccessTokens } from '../auth/AccessTokens.js';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { ClusterNode } from '../clusterNode.js';
import type { Config } from '../config.js';
import type { LogThrottle } from '../logThrottle.js';
import type { StorageHealth } from '../storage/StorageHealth.js';
import { handleApi } from './api.js';
import { createEditorHandler } from './editor.js';
import { sendError } from './json.js';
import type { RequestBodies } from './requestBodies.js';
import type { Route } from './router.js';
import { requestRefusal, type SiteRules } from './sameOrigin.js';

/**
 * The HTTP server, with timeouts that keep stalled requests from holding memory for
 * Node's default 300 s: headers get HEADERS_TIMEOUT_MS, and a whole request that long
 * plus BODY_TIMEOUT_MS (RequestBodies answers a slow body first).
 */
export function createHttpServer(config: Config): http.Server {
  return http.createServer({
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: config.headersTimeoutMs + config.bodyTimeoutMs + 1_000,
    // How often Node looks for requests past those timeouts (its default, 30 s, would dwarf them).
    connectionsCheckingInterval: Math.max(250, Math.min(5_000, config.headersTimeoutMs / 2)),
  });
}

/** What answering requests needs. */
export interface RequestParts {
  config: Config;
  log: Logger;
  site: SiteRules;
  refusals: LogThrottle;
  bodies: RequestBodies;
  routes: readonly Route[];
  storage: StorageHealth;
  /** A cluster: requests about documents other nodes run are answered there. */
  cluster?: ClusterNode;
  /** Token mode's checks; null in open mode. */
  tokens: AccessTokens | null;
}

/** Answers a request refused for its Host or its origin: a sentence for a person, the JSON error for a program. */
function refuse(req: IncomingMessage, res: ServerResponse, parts: RequestParts): boolean {
  const refusal = requestRefusal(req, parts.site);
  if (!refusal) return false;
  parts.refusals.warn(
    refusal.code,
    { method: req.method, url: req.url, host: req.headers.host, origin: req.headers.origin },
    `request refused: ${refusal.message}`,
  );
  if (req.headers.accept?.includes('text/html')) {
    res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`${refusal.message}\n`);
  } else sendError(res, 403, refusal.code, refusal.message);
  return true;
}

/**
 * Answers every HTTP request but Socket.IO's: the Host and cross-site checks, the cap on
 * bodies being received, then `/healthz`, `/metrics` and `/api/*`, else the built editor.
 */
export function answerRequests(httpServer: http.Server, parts: RequestParts): void {
  const { config, log, bodies, routes, storage } = parts;
  const serveEditor = config.staticDir ? createEditorHandler(config.staticDir) : null;
  httpServer.on('request', (req, res) => {
    // Socket.IO answers its own path; everything else is ours.
    if (req.url?.startsWith('/socket.io/')) return;
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'same-origin');
    res.setHeader('x-frame-options', 'DENY');
    if (refuse(req, res, parts)) return;
    (parts.cluster ? parts.cluster.forwardRequest(req, res) : Promise.resolve(false))
      .then(async (forwarded) => {
        if (forwarded || !bodies.admit(req, res)) return true;
        return handleApi(req, res, routes, log, parts.tokens, storage);
      })
      .then((handled) => {
        if (handled) return;
        if (serveEditor) serveEditor(req, res);
        else sendError(res, 404, 'NOT_FOUND', 'Nothing here.');
      })
      .catch((err: unknown) => {
        log.error({ err }, 'request failed');
        if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'The server could not handle this request.');
      });
  });
}
