import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Logger } from 'pino';
import { isValidDocId } from '@tandem/crdt-bridge/protocol';
import { CLUSTER_HEADER, clusterProof, forwardingNode } from '../auth/clusterProof.js';
import { sendError } from '../http/json.js';
import type { PeerNode } from '../sockets/forwarding.js';

/** Headers that belong to one hop, not to the request (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** The document a request is about (`/api/docs/<id>` and below), or null; `POST /api/docs/import` is about none. */
export function requestDocument(req: IncomingMessage): string | null {
  const match = /^\/api\/docs\/([^/?#]+)/.exec(req.url ?? '');
  if (!match) return null;
  const id = decodeURIComponent(match[1]!);
  if (!isValidDocId(id) || (id === 'import' && req.method === 'POST' && /^\/api\/docs\/import(\?|$)/.test(req.url!)))
    return null;
  return id;
}

/** What forwarding a request needs. */
export interface RequestForwardingDeps {
  selfId: string;
  secret: string;
  /** The live node that runs the document, or null when this node should answer. */
  ownerOf(docId: string): Promise<PeerNode | null>;
  /** Whether this node has the document loaded (then it answers, whatever the database says). */
  runsHere(docId: string): boolean;
  log: Logger;
  counts: { requests: number };
}

/**
 * Answers a request about a document another node runs by sending it there, as it came
 * (headers, body, the client's token) with this node's proof, and the answer back: rename,
 * restore, delete and export of the live state then run where the document lives. A
 * request another node forwarded is answered here, never sent on.
 */
export function requestForwarder(deps: RequestForwardingDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const docId = requestDocument(req);
    if (docId === null || deps.runsHere(docId) || forwardingNode(req, deps.secret) !== null) return false;
    const owner = await deps.ownerOf(docId).catch(() => null);
    if (owner === null) return false;
    deps.counts.requests++;
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
    headers[CLUSTER_HEADER] = clusterProof(deps.secret, deps.selfId);
    const target = new URL(req.url!, owner.address);
    const client = target.protocol === 'https:' ? https : http;
    await new Promise<void>((resolve) => {
      const upstream = client.request(target, { method: req.method, headers }, (answer) => {
        const out: http.OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(name)) out[name] = value;
        res.writeHead(answer.statusCode ?? 502, out);
        answer.pipe(res);
        answer.on('end', resolve);
        answer.on('error', () => {
          res.destroy();
          resolve();
        });
      });
      upstream.on('error', (err) => {
        deps.log.warn(
          { err, node: owner.id, doc: docId },
          'could not forward a request to the node that runs the document',
        );
        if (!res.headersSent)
          sendError(
            res,
            503,
            'NODE_UNAVAILABLE',
            'The server running this document cannot be reached. Try again in a moment.',
          );
        else res.destroy();
        resolve();
      });
      req.pipe(upstream);
    });
    return true;
  };
}
