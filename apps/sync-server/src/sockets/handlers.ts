import { Connection, type ConnectionDeps } from './Connection.js';
import { joinDocument, leaveDocument } from './joinDocument.js';
import { awarenessMessage, deferWhileJoining, syncMessage } from './syncMessages.js';
import type { TandemServerSocket } from './types.js';

export type { ConnectionDeps as HandlerDeps } from './Connection.js';

/**
 * Wires one connection's events (the protocol in PROTOCOL.md). Every handler checks its
 * arguments' shapes (clients are not trusted), and none can throw into Socket.IO: an error
 * is reported to the one client and logged, and everyone else goes on.
 */
export function handleConnection(socket: TandemServerSocket, deps: ConnectionDeps): Connection {
  const conn = new Connection(socket, deps);
  conn.on('join', (request, ack) => joinDocument(conn, request, ack));
  conn.on('leave', (docId) => leaveDocument(conn, docId));
  // A document run by another node: its messages go there as they came (that node checks them).
  conn.on(
    'sync',
    deferWhileJoining(conn, (docId, payload, ack) => {
      const link = conn.memberships.linkOf(docId);
      if (link) link.send('sync', docId, payload, ...(typeof ack === 'function' ? [ack] : []));
      else syncMessage(conn, docId, payload, ack);
    }),
  );
  conn.on(
    'awareness',
    deferWhileJoining(conn, (docId, payload) => {
      const link = conn.memberships.linkOf(docId);
      if (link) link.send('awareness', docId, payload);
      else awarenessMessage(conn, docId, payload);
    }),
  );
  conn.on('probe', (ack) => conn.ackOf(ack)({ ok: true }));
  return conn;
}
