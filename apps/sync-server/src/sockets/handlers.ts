import { type ClientEvent, Connection, type ConnectionDeps, type EventHandler } from './Connection.js';
import { joinDocument, leaveDocument } from './joinDocument.js';
import { compactListenerMaps } from './listenerMaps.js';
import { awarenessMessage, deferWhileJoining, syncMessage } from './syncMessages.js';
import type { TandemServerSocket } from './types.js';

export type { ConnectionDeps as HandlerDeps } from './Connection.js';

/** The protocol's events (PROTOCOL.md) and what handles each. */
const HANDLERS: Record<ClientEvent, EventHandler> = {
  join: (conn, request, ack) => joinDocument(conn, request, ack),
  leave: (conn, docId) => leaveDocument(conn, docId),
  // A document run by another node: its messages go there as they came (that node checks them).
  sync: deferWhileJoining((conn, docId, payload, ack) => {
    const link = conn.memberships.linkOf(docId);
    if (link) link.send('sync', docId, payload, ...(typeof ack === 'function' ? [ack] : []));
    else syncMessage(conn, docId, payload, ack);
  }),
  awareness: deferWhileJoining((conn, docId, payload) => {
    const link = conn.memberships.linkOf(docId);
    if (link) link.send('awareness', docId, payload);
    else awarenessMessage(conn, docId, payload);
  }),
  probe: (conn, ack) => conn.ackOf(ack)({ ok: true }),
};

/**
 * Socket.IO calls an event's listeners with the socket as `this`, so one function per event
 * serves every connection (closures per connection cost ~1 KB each at 20,000 connections).
 */
function listenerFor(event: ClientEvent, handler: EventHandler): (...args: unknown[]) => void {
  return function (this: TandemServerSocket, ...args: unknown[]) {
    this.data.connection?.handle(event, handler, args);
  };
}

const LISTENERS = (Object.keys(HANDLERS) as ClientEvent[]).map(
  (event) => [event, listenerFor(event, HANDLERS[event])] as const,
);

/**
 * Wires one connection's events (the protocol in PROTOCOL.md). Every handler checks its
 * arguments' shapes (clients are not trusted), and none can throw into Socket.IO: an error
 * is reported to the one client and logged, and everyone else goes on.
 */
export function handleConnection(socket: TandemServerSocket, deps: ConnectionDeps): Connection {
  const conn = new Connection(socket, deps);
  // Socket.IO's typed `on` pairs each event with its own arguments; these listeners take any.
  const on = socket.on as (this: TandemServerSocket, event: string, listener: (...args: unknown[]) => void) => void;
  for (const [event, listener] of LISTENERS) on.call(socket, event, listener);
  compactListenerMaps(socket);
  return conn;
}
