import type { Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '@tandem/crdt-bridge';

/** Per-connection data the server keeps on each socket. */
export interface SocketData {
  /** Documents this connection has joined or is joining. */
  docs: Set<string>;
}

/** The server's typed socket. */
export type TandemServerSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** One connection's membership of one document room. */
export class Member {
  /** Awareness client ids this connection has announced in this room. */
  readonly awarenessIds = new Set<number>();

  constructor(readonly socket: TandemServerSocket) {}

  /** The socket id, unique per connection. */
  get id(): string {
    return this.socket.id;
  }
}
