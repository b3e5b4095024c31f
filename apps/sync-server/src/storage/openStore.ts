import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
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
  const store = await PgStore.open(config.databaseUrl, { nodeId: config.nodeId });
  log.info({ node: config.nodeId }, 'storing documents in PostgreSQL');
  return store;
}
