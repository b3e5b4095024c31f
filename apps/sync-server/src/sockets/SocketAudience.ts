import type { MemberPort, Outgoing, RoomAudience } from '../rooms/audience.js';
import type { Member } from '../rooms/Member.js';
import type { NodeCarriers } from './NodeCarriers.js';
import { relayToRoom } from './roomRelay.js';
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
 * `doc:<id>`. A broadcast is encoded and framed once for every recipient (roomRelay.ts),
 * excluding the sender's socket when the change is a member's. In a cluster, members
 * another node forwards stay out of that room: each broadcast goes once to each such
 * node, over its carrier, and that node fans it out to its own clients.
 */
export class SocketAudience implements RoomAudience {
  /** Forwarded members' sockets, by the node that forwards them. */
  private readonly forwarded = new Map<string, Set<TandemServerSocket>>();

  constructor(
    private readonly io: TandemIo,
    private readonly docId: string,
    private readonly carriers: NodeCarriers | null = null,
  ) {}

  /** Puts the member's socket in the document's Socket.IO room (or its node's share of the room). */
  add(member: Member): void {
    const socket = socketOf(member);
    const node = this.carriers ? socket.data.forwardedBy : undefined;
    if (node === undefined) return void socket.join(roomName(this.docId));
    const sockets = this.forwarded.get(node) ?? new Set();
    this.forwarded.set(node, sockets.add(socket));
  }

  /** Takes the member's socket out of the document's Socket.IO room. */
  remove(member: Member): void {
    const socket = socketOf(member);
    const node = socket.data.forwardedBy;
    const sockets = node === undefined ? undefined : this.forwarded.get(node);
    if (sockets?.delete(socket)) {
      if (sockets.size === 0) this.forwarded.delete(node!);
      return;
    }
    void socket.leave(roomName(this.docId));
  }

  /** Emits to the room, from the excepted member's socket when there is one (so it is left out), and once to each forwarding node. */
  broadcast(...[message, except]: [Outgoing, Member?]): void {
    const sender = except ? socketOf(except) : undefined;
    const room = roomName(this.docId);
    relayToRoom(this.io, room, sender?.rooms.has(room) ? sender.id : undefined, message);
    for (const [node, sockets] of this.forwarded) {
      const leftOut = sender && sockets.has(sender) ? (sender.data.forwardedFor ?? null) : null;
      if (leftOut !== null && sockets.size === 1) continue;
      // No carrier, no way to reach them: their connections close, and they rejoin.
      if (!this.carriers!.relay(node, this.docId, leftOut, message)) for (const socket of sockets) socket.conn.close();
    }
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
    for (const sockets of this.forwarded.values()) for (const socket of sockets) socket.conn.close();
  }
}
