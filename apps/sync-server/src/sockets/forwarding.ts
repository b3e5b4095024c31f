import type { TandemServerSocket } from './types.js';

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
  /** The live node that runs `docId`, or null when this node should run it. */
  ownerOf(docId: string): Promise<PeerNode | null>;
  /**
   * Opens a link carrying `client`'s traffic to `node`; `lost` is called once if the link
   * breaks (the owner died, or cannot be reached), never after `close()`.
   */
  link(client: TandemServerSocket, node: PeerNode, lost: () => void): ForwardLink;
}
