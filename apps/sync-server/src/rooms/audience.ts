import type { ServerToClientEvents } from '@tandem/crdt-bridge/protocol';
import type { Member } from './Member.js';

/** An event the server sends to clients, with its arguments. */
export type Outgoing = {
  [E in keyof ServerToClientEvents]: [event: E, ...args: Parameters<ServerToClientEvents[E]>];
}[keyof ServerToClientEvents];

/**
 * One member as its room reaches it. A connection on this node today; the room never
 * needs to know which transport carries it, so a member on another node is another port.
 */
export interface MemberPort {
  /** Sends one event to this member only. */
  send(...message: Outgoing): void;
}

/**
 * Everyone in one room, as the room reaches them: joining and leaving the fan-out, and
 * sending to all at once. The room holds no Socket.IO server; the local implementation
 * (`sockets/SocketAudience.ts`) frames each broadcast once for every recipient.
 */
export interface RoomAudience {
  /** Adds a member to the fan-out. */
  add(member: Member): void;
  /** Removes a member from the fan-out. */
  remove(member: Member): void;
  /** Sends to every member of the room but `except` (whose change it is), if given. */
  broadcast(message: Outgoing, except?: Member): void;
  /**
   * Closes every member's connection (a transport close, which clients answer by
   * reconnecting, rejoining and sending their unacknowledged changes again).
   */
  disconnectAll(): void;
}
