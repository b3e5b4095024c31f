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

/** ws' WebSocket, as far as its 'error' listeners go. */
interface WebSocketErrors {
  listeners(event: 'error'): ((...args: unknown[]) => void)[];
  removeListener(event: 'error', listener: (...args: unknown[]) => void): void;
}

/**
 * Engine.IO listens for a WebSocket's errors "before upgrade" with a no-op, and removes it only
 * when the WebSocket upgrades an existing connection: on a connection that starts as a
 * WebSocket it stays for good (a closure and its scope, ~0.1 KB). Its transport listens for
 * errors itself from the start, so the WebSocket is never left without an 'error' listener.
 */
function dropUpgradeErrorListener(ws: WebSocketErrors | undefined): void {
  if (typeof ws?.listeners !== 'function') return;
  const listeners = ws.listeners('error');
  if (listeners.length < 2) return;
  for (const listener of listeners) if (listener.name === 'onUpgradeError') ws.removeListener('error', listener);
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
    const conn = socket.conn as unknown as { request: unknown; transport: { socket?: WebSocketErrors } };
    // Typed as always there; after the handshake Tandem never reads it (see above).
    conn.request = null;
    dropUpgradeErrorListener(conn.transport.socket);
  });
}
