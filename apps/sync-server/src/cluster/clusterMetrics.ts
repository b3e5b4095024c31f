import { Gauge, type Registry } from 'prom-client';
import { counterReading } from '../metrics.js';
import type { Claims } from '../storage/postgres/Claims.js';
import type { ClusterLinks } from './ClusterLinks.js';
import type { NodeDirectory } from './NodeDirectory.js';

/** What the cluster's metrics read when scraped. */
export interface ClusterMetricSources {
  links: ClusterLinks;
  directory: NodeDirectory;
  claims: Claims;
  requestCounts: { requests: number };
}

/** Adds claims, forwarding and link health per peer to `registry` (GET /metrics). */
export function addClusterMetrics(registry: Registry, sources: ClusterMetricSources): void {
  const { links, directory, claims, requestCounts } = sources;

  const perNode = (name: string, help: string, read: () => Record<string, number>): void => {
    new Gauge({
      name,
      help,
      labelNames: ['node'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [peer, value] of Object.entries(read())) this.set({ node: peer }, value);
      },
    });
  };
  const counter = (name: string, help: string, read: () => number): void => counterReading(registry, name, help, read);
  counter(
    'tandem_cluster_forwarded_messages_total',
    'Client messages forwarded to the node running their document',
    () => links.counts.forwarded,
  );
  counter(
    'tandem_cluster_returned_messages_total',
    'Messages from owning nodes delivered to this node’s clients',
    () => links.counts.returned,
  );
  counter(
    'tandem_cluster_relayed_frames_sent_total',
    'Broadcasts sent to other nodes for their clients (one frame per node, however many clients)',
    () => links.counts.relaysSent,
  );
  counter(
    'tandem_cluster_relayed_frames_received_total',
    'Broadcasts owning nodes sent this node, fanned out here to its clients',
    () => links.counts.relaysReceived,
  );
  counter(
    'tandem_cluster_links_lost_total',
    'Links to owning nodes that broke (each closes a client connection)',
    () => links.counts.lost,
  );
  counter(
    'tandem_cluster_forwarded_requests_total',
    'HTTP requests forwarded to the node running their document',
    () => requestCounts.requests,
  );
  counter(
    'tandem_claims_total',
    'Documents this node claimed (each raises the document’s ownership epoch)',
    () => claims.claimed,
  );
  perNode('tandem_cluster_links', 'Open links to other nodes carrying clients’ traffic', () => links.linksByNode());
  perNode('tandem_cluster_node_alive', 'Nodes alive at the last look (1 each)', () =>
    Object.fromEntries([...directory.liveNodes.keys()].map((id) => [id, 1])),
  );
}
