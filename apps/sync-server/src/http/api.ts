import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { isValidDocId, newDocId } from '@tandem/crdt-bridge';
import type { RoomRegistry } from '../rooms/RoomRegistry.js';
import type { DocumentStore } from '../storage/DocumentStore.js';
import { BadRequest, readJson, sendError, sendJson } from './json.js';

/** What the API routes need. */
export interface ApiDeps {
  store: DocumentStore;
  registry: RoomRegistry;
  log: Logger;
  startedAt: number;
  connections: () => number;
}

/**
 * Handles `/healthz` and `/api/*`; returns false for any other path so the
 * caller can serve the editor.
 */
export async function handleApi(req: IncomingMessage, res: ServerResponse, deps: ApiDeps): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const route = `${req.method ?? 'GET'} ${url.pathname}`;
  try {
    switch (route) {
      case 'GET /healthz':
      case 'HEAD /healthz': {
        await deps.store.ping();
        sendJson(res, 200, {
          status: 'ok',
          uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
          documentsLoaded: deps.registry.size,
          connections: deps.connections(),
        });
        return true;
      }
      case 'GET /api/docs': {
        const docs = await deps.store.list();
        sendJson(res, 200, {
          documents: docs.map((d) => ({
            id: d.id,
            title: d.title,
            updatedAt: new Date(d.updatedAt).toISOString(),
            size: d.size,
          })),
        });
        return true;
      }
      case 'POST /api/docs': {
        const body = await readJson(req);
        const requested = typeof body === 'object' && body !== null ? (body as { id?: unknown }).id : undefined;
        if (requested !== undefined && !isValidDocId(requested)) {
          sendError(res, 400, 'INVALID_DOC_ID', 'Document ids are 1–64 letters, digits, "-" or "_".');
          return true;
        }
        const id = (requested as string | undefined) ?? newDocId();
        const existing = await deps.store.get(id);
        const meta = existing ?? (await deps.store.ensure(id, Date.now()));
        sendJson(res, existing ? 200 : 201, {
          id: meta.id,
          title: meta.title,
          updatedAt: new Date(meta.updatedAt).toISOString(),
          size: meta.size,
          url: `/d/${meta.id}`,
        });
        return true;
      }
    }
    if (url.pathname === '/healthz' || url.pathname.startsWith('/api/')) {
      sendError(
        res,
        url.pathname === '/api/docs' || url.pathname === '/healthz' ? 405 : 404,
        'NOT_FOUND',
        `No route for ${route}.`,
      );
      return true;
    }
    return false;
  } catch (err) {
    if (err instanceof BadRequest) {
      sendError(res, err.status, err.code, err.message);
    } else {
      deps.log.error({ err, route }, 'request failed');
      if (!res.headersSent)
        sendError(
          res,
          url.pathname === '/healthz' ? 503 : 500,
          'INTERNAL',
          'The server could not handle this request.',
        );
    }
    return true;
  }
}
