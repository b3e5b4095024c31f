import type { Socket } from 'socket.io';
import type { ClientToServerEvents, Role, ServerToClientEvents } from '@tandem/crdt-bridge/protocol';
import type { AuthUser } from '../auth/roles.js';

/** Per-connection data the server keeps on each socket. */
export interface SocketData {
  /** Documents this connection has joined or is joining. */
  docs: Set<string>;
  /** Who this connection is (everyone is the owner-of-all in open mode). */
  user: AuthUser;
  /** True in token mode: presence names come from the token, not the client. */
  authenticated: boolean;
}

/** The server's typed socket. */
export type TandemServerSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** One connection's membership of one document room. */
export class Member {
  /** Awareness client ids this connection has announced in this room. */
  readonly awarenessIds = new Set<number>();
  /** Awareness client ids changed but not yet relayed (relays are throttled per member). */
  readonly pendingAwareness = new Set<number>();
  lastAwarenessRelay = 0;
  awarenessTimer: ReturnType<typeof setTimeout> | null = null;
  /**
   * Set once the room has applied a sync step 2 from this connection: the server then
   * holds everything the client had when it joined, so no one else can legitimately
   * bring new content under this client's own (presence) client id.
   */
  caughtUp = false;

  /**
   * @param key what presence ownership is bound to: the client's session key, or the
   *   socket id; a reconnecting client with the same key takes its presence back.
   */
  constructor(
    readonly socket: TandemServerSocket,
    readonly key: string,
    /** What this connection may do in this document. */
    readonly role: Role = 'owner',
  ) {}

  /** The socket id, unique per connection. */
  get id(): string {
    return this.socket.id;
  }
}
