import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ErrorCode } from '@tandem/crdt-bridge/protocol';
import { AuthError, bearerToken } from '../auth/tokens.js';
import type { ApiDeps } from './api.js';
import { sendError, sendJson } from './json.js';
import type { Route } from './router.js';

/** Whether two secrets are equal, in time that does not depend on where they differ. */
function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A refusal to read `/metrics`, or null when the request may. */
type MetricsRefusal = { status: 401 | 403; message: string } | null;

/**
 * Who may read `/metrics`: the holder of METRICS_TOKEN when one is set (in either mode);
 * in token mode, also a token that owns every document (`--doc '*' --role owner`); in
 * open mode without METRICS_TOKEN, anyone, as for everything else. The numbers describe
 * every document, so a token for one document is not enough.
 */
async function metricsRefusal(req: IncomingMessage, deps: ApiDeps): Promise<MetricsRefusal> {
  const given = bearerToken(req.headers.authorization);
  if (deps.metricsToken !== null && given !== undefined && sameSecret(given, deps.metricsToken)) return null;
  if (deps.tokens === null) {
    if (deps.metricsToken === null) return null;
    return { status: 401, message: 'Metrics need the METRICS_TOKEN as a bearer token.' };
  }
  let roles: Record<string, string>;
  try {
    roles = (await deps.tokens.verify(given)).user.roles;
  } catch (err) {
    return { status: 401, message: err instanceof AuthError ? err.message : 'Sign-in needed.' };
  }
  if (roles['*'] === 'owner') return null;
  return {
    status: 403,
    message:
      'Metrics cover every document, so they need a token that owns every document ' +
      "(npm run token -- --doc '*' --role owner) or the METRICS_TOKEN.",
  };
}

/** `GET /healthz` (200 when the server and its storage can take writes, 503 with the reason otherwise) and `GET /metrics`. */
export function healthRoutes(deps: ApiDeps): Route[] {
  return [
    {
      // Prometheus text format. Public to the router: it checks its own token (METRICS_TOKEN is not a JWT).
      method: 'GET',
      pattern: /^\/metrics$/,
      public: true,
      handler: async ({ req, res }) => {
        const refusal = await metricsRefusal(req, deps);
        if (refusal) {
          if (refusal.status === 401) res.setHeader('www-authenticate', 'Bearer');
          sendError(
            res,
            refusal.status,
            refusal.status === 401 ? ErrorCode.Unauthorized : ErrorCode.Forbidden,
            refusal.message,
          );
          return;
        }
        const body = await deps.metrics.registry.metrics();
        res.writeHead(200, { 'content-type': deps.metrics.registry.contentType, 'cache-control': 'no-store' });
        res.end(body);
      },
    },
    {
      method: 'GET',
      pattern: /^\/healthz$/,
      public: true,
      handler: async ({ res }) => {
        const { problems, freeDiskBytes } = await deps.storage.check();
        if (problems.length > 0) {
          deps.log.warn({ problems }, 'health check: storage trouble');
          sendJson(res, 503, { status: 'unavailable', reason: problems.join('; '), problems });
          return;
        }
        sendJson(res, 200, {
          status: 'ok',
          uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
          documentsLoaded: deps.registry.size,
          connections: deps.connections(),
          freeDiskBytes,
          // A store shared by several nodes says which node this is and how many documents it runs.
          ...(deps.store.ownership
            ? { node: deps.store.ownership.nodeId, documentsOwned: deps.store.ownership.owned }
            : {}),
          ...(deps.cluster ? { cluster: deps.cluster.health() } : {}),
        });
      },
    },
  ];
}
