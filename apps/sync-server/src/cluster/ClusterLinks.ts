import type { Logger } from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import { WIRE_PARSER } from '@tandem/crdt-bridge/protocol';
import { CLUSTER_HEADER, clusterProof } from '../auth/clusterProof.js';
import type { ClusterRouting, ForwardLink, PeerNode } from '../sockets/forwarding.js';
import type { TandemServerSocket } from '../sockets/types.js';
import type { NodeDirectory } from './NodeDirectory.js';

/** Counts of what the links carry, for /metrics. */
export interface LinkCounts {
  /** Client events sent to owners. */
  forwarded: number;
  /** Owner events delivered back to clients. */
  returned: number;
  /** Links that broke (owner died, unreachable, closed them). */
  lost: number;
}

/**
 * One client's link to one owner node: a Socket.IO connection of its own, authenticated as
 * this node (CLUSTER_SECRET) and carrying the client's own token, so the owner checks the
 * client's rights itself and runs the document's protocol exactly as for a direct client.
 */
class SocketLink implements ForwardLink {
  private readonly socket: Socket;
  private closed = false;

  constructor(
    readonly node: PeerNode,
    client: TandemServerSocket,
    secret: string,
    selfId: string,
    private readonly counts: LinkCounts,
    private readonly lostCallback: () => void,
    private readonly forget: (link: SocketLink) => void,
  ) {
    this.socket = connect(node.address, {
      transports: ['websocket'],
      parser: WIRE_PARSER,
      reconnection: false,
      forceNew: true,
      auth: client.handshake.auth as Record<string, unknown>,
      extraHeaders: { [CLUSTER_HEADER]: clusterProof(secret, selfId) },
    });
    // Everything the owner says is for the client, as it is.
    this.socket.onAny((event: string, ...args: unknown[]) => {
      counts.returned++;
      (client.emit as (event: string, ...rest: unknown[]) => boolean)(event, ...args);
    });
    this.socket.on('disconnect', () => this.lost());
    this.socket.on('connect_error', () => this.lost());
  }

  send(event: string, ...args: unknown[]): void {
    if (this.closed) return;
    this.counts.forwarded++;
    // Held by Socket.IO until connected; in order with everything else on this link.
    this.socket.emit(event, ...args);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.forget(this);
    this.socket.disconnect();
  }

  /** The link broke: the client is told by the close of its own connection. */
  lost(): void {
    if (this.closed) return;
    this.closed = true;
    this.counts.lost++;
    this.forget(this);
    this.socket.disconnect();
    this.lostCallback();
  }
}

/**
 * Routing for the socket handlers in a cluster: the directory says which node runs a
 * document; links carry clients' traffic there. A node the directory sees go takes its
 * links with it at once, rather than at the link's own heartbeat timeout.
 */
export class ClusterLinks implements ClusterRouting {
  readonly counts: LinkCounts = { forwarded: 0, returned: 0, lost: 0 };
  private readonly open = new Set<SocketLink>();

  constructor(
    private readonly directory: NodeDirectory,
    private readonly secret: string,
    private readonly log: Logger,
  ) {
    directory.onDown((nodeId) => {
      for (const link of [...this.open]) if (link.node.id === nodeId) link.lost();
    });
  }

  get nodeId(): string {
    return this.directory.self.id;
  }

  ownerOf(docId: string): Promise<PeerNode | null> {
    return this.directory.ownerOf(docId);
  }

  link(client: TandemServerSocket, node: PeerNode, lost: () => void): ForwardLink {
    const link = new SocketLink(node, client, this.secret, this.nodeId, this.counts, lost, (gone) =>
      this.open.delete(gone),
    );
    this.open.add(link);
    this.log.debug({ node: node.id, socket: client.id }, 'forwarding a client to the node that runs its document');
    return link;
  }

  /** Open links, by node id. */
  linksByNode(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const link of this.open) counts[link.node.id] = (counts[link.node.id] ?? 0) + 1;
    return counts;
  }

  /** Closes every link (this node is stopping). */
  closeAll(): void {
    for (const link of [...this.open]) link.close();
  }
}
