import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { ClusterNode } from '../clusterNode.js';
import type { DocumentStore } from './DocumentStore.js';
import { SqliteStore } from './SqliteStore.js';

/** The embedded default: SQLite in `DATA_DIR`. */
export function openSqliteStore(config: Config, log: Logger): SqliteStore {
  const store = new SqliteStore(path.join(config.dataDir, 'tandem.db'), { acceptWalLoss: config.acceptWalLoss });
  if (store.walLoss !== null)
    log.warn({ problem: store.walLoss }, 'started with ACCEPT_WAL_LOSS=1: changes in the write-ahead log were lost');
  return store;
}

/**
 * The store the config asks for: PostgreSQL when `DATABASE_URL` is set, else SQLite. The
 * PostgreSQL code and driver are imported only then, so the embedded default loads neither.
 */
export async function openConfiguredStore(config: Config, log: Logger): Promise<DocumentStore> {
  if (config.databaseUrl === null) return openSqliteStore(config, log);
  const { PgStore } = await import('./postgres/PgStore.js');
  const store = await PgStore.open(config.databaseUrl, { nodeId: config.nodeId, shared: config.cluster !== null });
  log.info({ node: config.nodeId }, 'storing documents in PostgreSQL');
  return store;
}

/**
 * This node's part in a cluster when CLUSTER_SECRET is set (null otherwise): joined before
 * the server claims any document. Imported only then, like the PostgreSQL code.
 */
export async function openConfiguredCluster(
  config: Config,
  store: DocumentStore,
  log: Logger,
): Promise<ClusterNode | null> {
  if (config.cluster === null) return null;
  const [{ openCluster }, { PgStore }] = await Promise.all([
    import('../cluster/openCluster.js'),
    import('./postgres/PgStore.js'),
  ]);
  if (!(store instanceof PgStore)) throw new Error('a cluster stores its documents in PostgreSQL (DATABASE_URL)');
  const cluster = await openCluster(store, config.nodeId, config.cluster, log);
  log.info({ node: config.nodeId, address: config.cluster.address }, 'joined the cluster');
  return cluster;
}
