import type { Logger } from 'pino';
import type { Outgoing } from '../rooms/audience.js';
import { HEARTBEAT_EVENT, RELAY_EVENT } from './forwarding.js';
import type { TandemIo, TandemServerSocket } from './types.js';

/**
 * The carriers other nodes opened to this one (a cluster): one connection per node, over
 * which this node sends each broadcast of a document it runs once for all of that node's
 * clients. A node whose carrier goes has no way to hear broadcasts, so its clients' links
 * here are closed with it (they reconnect and rejoin).
 */
export class NodeCarriers {
  private readonly byNode = new Map<string, TandemServerSocket>();

  constructor(
    private readonly io: TandemIo,
    private readonly log: Logger,
    /** Where broadcast frames sent to other nodes are counted. */
    private readonly counts: { relaysSent: number },
  ) {}

  /** Takes a carrier connection from node `nodeId` (replacing an older one from it). */
  accept(socket: TandemServerSocket, nodeId: string): void {
    const previous = this.byNode.get(nodeId);
    this.byNode.set(nodeId, socket);
    if (previous) previous.conn.close();
    // The carrier's only question: is this node there, with an event loop that turns?
    socket.on(HEARTBEAT_EVENT as never, (ack: unknown) => {
      if (typeof ack === 'function') (ack as () => void)();
    });
    socket.on('disconnect', () => {
      if (this.byNode.get(nodeId) !== socket) return;
      this.byNode.delete(nodeId);
      this.log.info({ node: nodeId }, 'a node’s carrier closed: closing its clients’ links');
      this.closeLinksOf(nodeId, false);
    });
  }

  /**
   * Node `nodeId` is gone (killed, or paused past its lease): its clients' links and carrier
   * here are closed now, so their presence leaves at once rather than at the links' own
   * heartbeat timeout, which a paused process never trips.
   */
  drop(nodeId: string): void {
    const carrier = this.byNode.get(nodeId);
    this.byNode.delete(nodeId);
    // Discarding what waits to be sent: a paused process would never read it, and the close would wait on it.
    carrier?.conn.close(true);
    this.closeLinksOf(nodeId, true);
  }

  /** Sends one broadcast to node `nodeId` for its clients; false when that node has no carrier here. */
  relay(nodeId: string, docId: string, except: string | null, [event, ...args]: Outgoing): boolean {
    const carrier = this.byNode.get(nodeId);
    if (!carrier) return false;
    this.counts.relaysSent++;
    (carrier.emit as (event: string, ...rest: unknown[]) => boolean)(RELAY_EVENT, docId, except, event, ...args);
    return true;
  }

  /** Closes every link node `nodeId` forwards here (`discard`: without sending what waits). */
  private closeLinksOf(nodeId: string, discard: boolean): void {
    for (const socket of this.io.sockets.sockets.values())
      if (socket.data.forwardedBy === nodeId && !socket.data.carrier) socket.conn.close(discard);
  }
}
