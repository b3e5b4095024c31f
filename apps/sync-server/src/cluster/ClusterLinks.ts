import type { Logger } from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import { WIRE_PARSER } from '@tandem/crdt-bridge/protocol';
import { CLUSTER_HEADER, clusterProof } from '../auth/clusterProof.js';
import type { Outgoing } from '../rooms/audience.js';
import {
  CARRIER_HEADER,
  CLIENT_HEADER,
  HEARTBEAT_EVENT,
  RELAY_EVENT,
  type ClusterRouting,
  type ForwardLink,
  type PeerNode,
  type RelayDelivery,
} from '../sockets/forwarding.js';
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
  /** Broadcast frames owners sent this node for its clients (one per broadcast, however many clients). */
  relaysReceived: number;
  /** Broadcast frames this node sent other nodes for their clients. */
  relaysSent: number;
}

/** How often a carrier checks that the node at its other end answers. */
const HEARTBEATS_PER_LEASE = 3;

/**
 * This node's one connection to another node that runs documents its clients have open:
 * that node sends each broadcast over it once, for all of them (RELAY_EVENT). It also
 * watches the way there: a heartbeat with an acknowledgement every third of the lease, and
 * a link that does not answer within a lease (a cut network, a frozen process) is lost,
 * with every client link to that node — they reconnect rather than wait.
 */
class NodeCarrier {
  private readonly socket: Socket;
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private readonly ready: (() => void)[] = [];
  private closed = false;

  constructor(
    readonly node: PeerNode,
    secret: string,
    selfId: string,
    leaseMs: number,
    deliver: () => RelayDelivery | null,
    counts: LinkCounts,
    private readonly lostCallback: () => void,
  ) {
    this.socket = connect(node.address, {
      transports: ['websocket'],
      parser: WIRE_PARSER,
      reconnection: false,
      forceNew: true,
      // A node that cannot be reached within a lease is as good as gone, for these clients.
      timeout: leaseMs,
      extraHeaders: { [CLUSTER_HEADER]: clusterProof(secret, selfId), [CARRIER_HEADER]: '1' },
    });
    this.socket.on(RELAY_EVENT, (docId: unknown, except: unknown, ...message: unknown[]) => {
      counts.relaysReceived++;
      if (typeof docId !== 'string' || (except !== null && typeof except !== 'string')) return;
      // The owner is a node of this cluster, proven by CLUSTER_SECRET: its messages are the protocol's own.
      deliver()?.(docId, except, message as Outgoing);
    });
    this.socket.on('connect', () => {
      for (const open of this.ready.splice(0)) open();
    });
    this.socket.on('disconnect', () => this.lost());
    this.socket.on('connect_error', () => this.lost());
    this.heartbeat = setInterval(() => {
      if (!this.socket.connected) return;
      this.socket.timeout(leaseMs).emit(HEARTBEAT_EVENT, (err: Error | null) => {
        if (err) this.lost();
      });
    }, leaseMs / HEARTBEATS_PER_LEASE);
    this.heartbeat.unref();
  }

  /** Runs `open` once the carrier is connected (at once if it is). */
  whenReady(open: () => void): void {
    if (this.socket.connected) open();
    else this.ready.push(open);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.socket.disconnect();
  }

  /** The way to the node broke: every client link to it goes too. */
  lost(): void {
    if (this.closed) return;
    this.close();
    this.lostCallback();
  }
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
      // Opened once the node's carrier is there, so the owner has a way to send broadcasts first.
      autoConnect: false,
      auth: client.handshake.auth as Record<string, unknown>,
      extraHeaders: { [CLUSTER_HEADER]: clusterProof(secret, selfId), [CLIENT_HEADER]: client.id },
    });
    // Everything the owner says is for the client, as it is.
    this.socket.onAny((event: string, ...args: unknown[]) => {
      counts.returned++;
      (client.emit as (event: string, ...rest: unknown[]) => boolean)(event, ...args);
    });
    this.socket.on('disconnect', () => this.lost());
    this.socket.on('connect_error', () => this.lost());
  }

  /** Opens the connection (the carrier to the node is up). */
  open(): void {
    if (!this.closed) this.socket.connect();
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
 * document; links carry clients' traffic there, and one carrier per node brings its
 * broadcasts back. A node the directory sees go takes its links with it at once, rather
 * than at the carrier's heartbeat timeout.
 */
export class ClusterLinks implements ClusterRouting {
  readonly counts: LinkCounts = { forwarded: 0, returned: 0, lost: 0, relaysReceived: 0, relaysSent: 0 };
  private readonly open = new Set<SocketLink>();
  private readonly carriers = new Map<string, NodeCarrier>();
  private delivery: RelayDelivery | null = null;

  constructor(
    private readonly directory: NodeDirectory,
    private readonly secret: string,
    private readonly leaseMs: number,
    private readonly log: Logger,
  ) {
    directory.onDown((nodeId) => this.carriers.get(nodeId)?.lost());
  }

  deliverRelays(delivery: RelayDelivery): void {
    this.delivery = delivery;
  }

  onNodeDown(listener: (nodeId: string) => void): void {
    this.directory.onDown(listener);
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
    this.carrierTo(node).whenReady(() => link.open());
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
    for (const carrier of this.carriers.values()) carrier.close();
    this.carriers.clear();
  }

  /** The carrier to `node`, opened if need be; it stays while the node does. */
  private carrierTo(node: PeerNode): NodeCarrier {
    const existing = this.carriers.get(node.id);
    if (existing) return existing;
    const carrier = new NodeCarrier(
      node,
      this.secret,
      this.nodeId,
      this.leaseMs,
      () => this.delivery,
      this.counts,
      () => {
        if (this.carriers.get(node.id) === carrier) this.carriers.delete(node.id);
        this.log.warn({ node: node.id }, 'lost the way to a node: closing the links of its clients');
        for (const link of [...this.open]) if (link.node.id === node.id) link.lost();
      },
    );
    this.carriers.set(node.id, carrier);
    return carrier;
  }
}
