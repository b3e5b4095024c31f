import http from 'node:http';
import type { TandemIo } from './types.js';

/** The response Engine.IO 6.6 makes for a WebSocket upgrade (`WebSocketResponse`, not exported). */
interface UpgradeResponse {
  socket: { rawListeners(event: 'close'): unknown[]; removeListener(event: 'close', listener: unknown): void };
}

function isUpgradeResponse(res: unknown): res is UpgradeResponse {
  const socket = (res as { socket?: Partial<UpgradeResponse['socket']> } | null)?.socket;
  return !(res instanceof http.ServerResponse) && typeof socket?.rawListeners === 'function';
}

/** Engine.IO's listener, recognised by what it does: it forwards the TCP socket's `close` to the response. */
function forwardsCloseToResponse(listener: unknown): boolean {
  const original = (listener as { listener?: unknown }).listener ?? listener;
  return typeof original === 'function' && original.toString() === '() => this.emit("close")';
}

/**
 * Lets go of each WebSocket connection's HTTP upgrade request once it has served its
 * purpose. Engine.IO 6.6 keeps it for the connection's whole life, twice: its connection
 * object holds it as `request`, and the `WebSocketResponse` it makes for Express-style
 * middlewares listens for the TCP socket's `close` (forwarding it, for loggers such as
 * pino-http), which keeps that response and its request alive. Together ~1.3 KB of heap per
 * idle connection (the request, its raw headers, its stream state, the response).
 *
 * Nothing here listens to that response, so its listener goes as the upgrade arrives (only
 * when it is exactly Engine.IO's, so another version is left as it is). The connection's
 * `request` goes once Socket.IO's own middlewares (the handshake checks in socketServer.ts,
 * the only readers of `socket.request`) are done; `socket.handshake` keeps what is needed
 * later (headers, address, auth).
 */
export function releaseUpgradeRequests(io: TandemIo): void {
  io.engine.use((_req: unknown, res: unknown, next: (err?: unknown) => void) => {
    if (isUpgradeResponse(res)) {
      const forwarder = res.socket.rawListeners('close').findLast(forwardsCloseToResponse);
      if (forwarder) res.socket.removeListener('close', forwarder);
    }
    next();
  });
  io.on('connection', (socket) => {
    // Typed as always there; after the handshake Tandem never reads it (see above).
    (socket.conn as unknown as { request: unknown }).request = null;
  });
}
