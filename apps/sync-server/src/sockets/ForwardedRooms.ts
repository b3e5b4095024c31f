import type { Outgoing } from '../rooms/audience.js';
import type { TandemIo, TandemServerSocket } from './types.js';

/** Most broadcasts held for one client while its forwarded join is answered. */
const MAX_HELD = 256;

/** The Socket.IO room of this node's clients of a document another node runs. */
function forwardedRoom(docId: string): string {
  return `fwd:${docId}`;
}

/**
 * This node's clients of documents other nodes run, as their owners' broadcasts reach
 * them: one frame per node over the carrier, fanned out here to the document's room.
 * Broadcasts and a client's own answers come over different connections, so a broadcast
 * can overtake the answer to a join — and a client drops messages for a document it has
 * not joined yet. Broadcasts for a client whose join is unanswered are held, and given to
 * it right after the answer.
 */
export class ForwardedRooms {
  /** Broadcasts held for clients whose joins are unanswered, by document, then by socket. */
  private readonly held = new Map<string, Map<TandemServerSocket, Outgoing[]>>();

  constructor(private readonly io: TandemIo) {}

  /** `socket`'s join of `docId` went to its owner: broadcasts for it wait for the answer. */
  joining(docId: string, socket: TandemServerSocket): void {
    const waiting = this.held.get(docId) ?? new Map<TandemServerSocket, Outgoing[]>();
    this.held.set(docId, waiting.set(socket, []));
  }

  /** The owner accepted the join (its answer was sent): what was held follows, the rest comes as it is broadcast. */
  joined(docId: string, socket: TandemServerSocket): void {
    const held = this.stopHolding(docId, socket) ?? [];
    if (!socket.connected) return;
    void socket.join(forwardedRoom(docId));
    for (const [event, ...args] of held)
      (socket.emit as (event: string, ...rest: unknown[]) => boolean)(event, ...args);
  }

  /** `socket` left `docId` (or was refused it, or disconnected). */
  left(docId: string, socket: TandemServerSocket): void {
    this.stopHolding(docId, socket);
    void socket.leave(forwardedRoom(docId));
  }

  /** An owner's broadcast: to every client of `docId` here but `except` (a socket id). */
  deliver(docId: string, except: string | null, message: Outgoing): void {
    const room = except === null ? this.io.to(forwardedRoom(docId)) : this.io.to(forwardedRoom(docId)).except(except);
    const [event, ...args] = message;
    (room.emit as (event: string, ...rest: unknown[]) => boolean)(event, ...args);
    for (const [socket, held] of this.held.get(docId) ?? []) {
      if (socket.id === except) continue;
      held.push(message);
      // Far too much for a join that should be answered in milliseconds: it starts over.
      if (held.length > MAX_HELD) socket.conn.close();
    }
  }

  private stopHolding(docId: string, socket: TandemServerSocket): Outgoing[] | undefined {
    const waiting = this.held.get(docId);
    const held = waiting?.get(socket);
    waiting?.delete(socket);
    if (waiting?.size === 0) this.held.delete(docId);
    return held;
  }
}
