import type { Logger } from 'pino';
import type { ClusterConfig } from '../config.js';
import type { ClusterNode } from '../clusterNode.js';
import type { PgStore } from '../storage/postgres/PgStore.js';
import { addClusterMetrics } from './clusterMetrics.js';
import { ClusterLinks } from './ClusterLinks.js';
import { NodeDirectory } from './NodeDirectory.js';
import { requestForwarder } from './requestForwarding.js';

/**
 * Joins the cluster on `store`'s database as node `nodeId`: registers it and its liveness
 * lock (before it claims any document), then routes sockets and requests to the nodes that
 * run their documents.
 */
export async function openCluster(
  store: PgStore,
  nodeId: string,
  config: ClusterConfig,
  log: Logger,
): Promise<ClusterNode> {
  let runsHere: (docId: string) => boolean = () => false;
  const directory = await NodeDirectory.join(
    store.pool,
    store.databaseUrl,
    { id: nodeId, address: config.address, leaseMs: config.leaseMs },
    log,
  );
  const links = new ClusterLinks(directory, config.secret, config.leaseMs, log);
  const requestCounts = { requests: 0 };
  const node: ClusterNode = {
    routing: links,
    serveFrom(loaded) {
      runsHere = loaded;
    },
    forwardRequest: (req, res) => forward(req, res),
    addMetrics: (registry) => addClusterMetrics(registry, { links, directory, claims: store.claims, requestCounts }),
    health: () => ({ nodesAlive: directory.liveNodes.size, links: links.linksByNode() }),
    async close() {
      links.closeAll();
      await directory.leave();
    },
  };
  const forward = requestForwarder({
    selfId: nodeId,
    secret: config.secret,
    ownerOf: (docId) => directory.ownerOf(docId),
    runsHere: (docId) => runsHere(docId),
    log,
    counts: requestCounts,
  });
  return node;
}
