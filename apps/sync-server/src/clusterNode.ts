import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { ClusterRouting } from './sockets/forwarding.js';

/** How this node sees the rest of the cluster, for /healthz. */
export interface ClusterHealth {
  /** Nodes alive at the last look, this one included. */
  nodesAlive: number;
  /** Open links to other nodes carrying clients' traffic, by node id. */
  links: Record<string, number>;
}

/**
 * This node's part in a cluster (several nodes on one PostgreSQL database), as the server
 * uses it; built by `cluster/openCluster.ts`, which only a cluster loads.
 */
export interface ClusterNode {
  /** Where documents run, and links to the nodes that run them. */
  readonly routing: ClusterRouting;
  /** Tells the cluster which documents this node has loaded (it answers for those itself). */
  serveFrom(runsHere: (docId: string) => boolean): void;
  /** Sends a request about a document another node runs to that node, and its answer back; false when it runs here. */
  forwardRequest(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Adds the cluster's metrics to `registry` (GET /metrics). */
  addMetrics(registry: Registry): void;
  health(): ClusterHealth;
  /** Leaves the cluster: other nodes may take this one's documents over at once. */
  close(): Promise<void>;
}
