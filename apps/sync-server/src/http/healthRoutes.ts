import type { ApiDeps } from './api.js';
import { sendJson } from './json.js';
import type { Route } from './router.js';

/** `GET /healthz`: 200 when the server is up and storage answers, 503 otherwise. */
export function healthRoutes(deps: ApiDeps): Route[] {
  return [
    {
      // Prometheus text format. In token mode it needs a token like the rest of the API.
      method: 'GET',
      pattern: /^\/metrics$/,
      handler: async ({ res }) => {
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
        try {
          await deps.store.ping();
        } catch (err) {
          deps.log.error({ err }, 'health check: storage does not answer');
          sendJson(res, 503, { status: 'unavailable', reason: 'storage does not answer' });
          return;
        }
        sendJson(res, 200, {
          status: 'ok',
          uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
          documentsLoaded: deps.registry.size,
          connections: deps.connections(),
        });
      },
    },
  ];
}
