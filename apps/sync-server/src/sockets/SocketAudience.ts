import type { MemberPort, Outgoing, RoomAudience } from '../rooms/audience.js';
import type { Member } from '../rooms/Member.js';
import { roomName, type TandemIo, type TandemServerSocket } from './types.js';

/** A member connected to this node: its socket. */
export class SocketMemberPort implements MemberPort {
  constructor(readonly socket: TandemServerSocket) {}

  /** Sends one event on this socket. */
  send(...[event, ...args]: Outgoing): void {
    // The tuple type pairs each event with its arguments; Socket.IO's overloads cannot see that.
    (this.socket.emit as (event: string, ...rest: unknown[]) => boolean)(event, ...args);
  }
}

function socketOf(member: Member): TandemServerSocket {
  if (!(member.port instanceof SocketMemberPort)) throw new TypeError('a member of this node has a socket');
  return member.port.socket;
}

/**
 * A document room's audience on this node: its members' sockets in the Socket.IO room
 * `doc:<id>`. A broadcast is one emit to the room (the PreFramedAdapter frames it once for
 * every recipient), excluding the sender's socket when the change is a member's.
 */
export class SocketAudience implements RoomAudience {
  constructor(
    private readonly io: TandemIo,
    private readonly docId: string,
  ) {}

  /** Puts the member's socket in the document's Socket.IO room. */
  add(member: Member): void {
    void socketOf(member).join(roomName(this.docId));
  }

  /** Takes the member's socket out of the document's Socket.IO room. */
  remove(member: Member): void {
    void socketOf(member).leave(roomName(this.docId));
  }

  /** Emits to the room, from the excepted member's socket when there is one (so it is left out). */
  broadcast(...[message, except]: [Outgoing, Member?]): void {
    const target = except ? socketOf(except).to(roomName(this.docId)) : this.io.to(roomName(this.docId));
    const [event, ...args] = message;
    (target.emit as (event: string, ...rest: unknown[]) => boolean)(event, ...args);
  }

  /**
   * Closes the connection of every socket in the document's room at the transport level:
   * a Socket.IO "server disconnect" would tell clients not to reconnect.
   */
  disconnectAll(): void {
    for (const id of this.io.sockets.adapter.rooms.get(roomName(this.docId)) ?? []) {
      const socket = this.io.sockets.sockets.get(id);
      // Waits until what is queued is written, then closes; the client reconnects and resyncs.
      socket?.conn.close();
    }
  }
}
