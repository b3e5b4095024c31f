import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '@tandem/crdt-bridge/protocol';
import type { AuthUser } from '../auth/roles.js';
import type { Connection } from './Connection.js';

/** Per-connection data the server keeps on each socket. */
export interface SocketData {
  /** Who this connection is (everyone is the owner-of-all in open mode). */
  user: AuthUser;
  /** True in token mode: presence names come from the token, not the client. */
  authenticated: boolean;
  /** Token mode: the share link this connection signed in with, when its token names one (revocable). */
  linkId?: string;
  /** The node that forwards this connection's traffic from one of its clients (a cluster), if any. */
  forwardedBy?: string;
  /** That client's socket id on the forwarding node (a relay of its own change leaves it out there). */
  forwardedFor?: string;
  /** True for a node's carrier (NodeCarriers): it carries broadcasts, not a client. */
  carrier?: boolean;
  /**
   * The client connection this socket is (not for carriers): listeners shared by every
   * connection find it here, as Socket.IO calls them with the socket as `this`.
   */
  connection?: Connection;
}

/** The server's typed Socket.IO server. */
export type TandemIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** The server's typed socket. */
export type TandemServerSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** Socket.IO room name for a document. */
export function roomName(docId: string): string {
  return `doc:${docId}`;
}
