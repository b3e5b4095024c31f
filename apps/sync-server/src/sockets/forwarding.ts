import type { Outgoing } from '../rooms/audience.js';
import type { TandemServerSocket } from './types.js';

/**
 * Handshake header of a node's *carrier*: its one connection to another node over which
 * that node sends one frame per broadcast for all of this node's clients.
 */
export const CARRIER_HEADER = 'x-tandem-carrier';
/** Handshake header of a client's link: the client's socket id on the forwarding node (whom a relay leaves out). */
export const CLIENT_HEADER = 'x-tandem-client';
/** Owner → carrier: `(docId, exceptClientId | null, event, ...args)`, one broadcast for every client of the node. */
export const RELAY_EVENT = 'tandem:relay';
/** Carrier → owner, with an ack: the owner is there and its event loop turns. */
export const HEARTBEAT_EVENT = 'tandem:heartbeat';

/** Delivers an owner's broadcast to this node's clients of the document, but `except` (a socket id). */
export type RelayDelivery = (docId: string, except: string | null, message: Outgoing) => void;

/** Another node of the cluster, as this one reaches it. */
export interface PeerNode {
  readonly id: string;
  readonly address: string;
}

/**
 * One client's traffic to the node that owns some of its documents: the client's events
 * go to the owner as they came, and everything the owner sends back goes to the client.
 */
export interface ForwardLink {
  /** The node at the other end. */
  readonly node: PeerNode;
  /** Sends one of the client's events (its acknowledgement callback last, if any) to the owner. */
  send(event: string, ...args: unknown[]): void;
  /** Closes the link (the client left every document the owner runs, or disconnected). */
  close(): void;
}

/**
 * What the socket handlers need from a cluster (none in one-node mode): where a document
 * runs, and links to the nodes that run them.
 */
export interface ClusterRouting {
  /** This node's id. */
  readonly nodeId: string;
  /** Where broadcast frames sent to other nodes are counted (for /metrics). */
  readonly counts: { relaysSent: number };
  /** The live node that runs `docId`, or null when this node should run it. */
  ownerOf(docId: string): Promise<PeerNode | null>;
  /**
   * Opens a link carrying `client`'s traffic to `node`; `lost` is called once if the link
   * breaks (the owner died, or cannot be reached), never after `close()`.
   */
  link(client: TandemServerSocket, node: PeerNode, lost: () => void): ForwardLink;
  /** Where owners' broadcasts for this node's clients go (set once, before any link opens). */
  deliverRelays(delivery: RelayDelivery): void;
  /** Calls `listener` with each node seen to go (killed, or paused past its lease). */
  onNodeDown(listener: (nodeId: string) => void): void;
}
