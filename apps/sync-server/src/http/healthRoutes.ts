import type { ApiDeps } from './api.js';
import { sendJson } from './json.js';
import type { Route } from './router.js';

/** `GET /healthz`: 200 when the server is up and storage answers, 503 otherwise. */
export function healthRoutes(deps: ApiDeps): Route[] {
  return [
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
