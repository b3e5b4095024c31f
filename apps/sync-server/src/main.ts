import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { createTandemServer } from './server.js';
import { shutDown } from './shutdown.js';
import { openConfiguredCluster, openConfiguredStore } from './storage/openStore.js';
import { StorageOpenError } from './storage/SqliteStore.js';

/** Composition root: config → server → listen, with graceful shutdown on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`tandem: ${err.message}`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  // Several nodes' logs end up side by side: each line says which node wrote it.
  const log = config.cluster
    ? createLogger(config.logLevel).child({ self: config.nodeId })
    : createLogger(config.logLevel);
  let server;
  try {
    const store = await openConfiguredStore(config, log);
    const cluster = await openConfiguredCluster(config, store, log);
    server = createTandemServer(config, { log, store, ...(cluster ? { cluster } : {}) });
  } catch (err) {
    if (err instanceof StorageOpenError || (err instanceof Error && err.name === 'PostgresOpenError')) {
      log.fatal({ err }, err.message);
      console.error(`tandem: ${err.message}`);
      process.exit(74); // EX_IOERR
    }
    throw err;
  }
  const port = await server.listen();
  // Here, not in createTandemServer: the tests start hundreds of servers that never split an update.
  server.warmWorkers();
  log.info(
    { port, host: config.host ?? '*', storage: config.databaseUrl === null ? config.dataDir : 'PostgreSQL' },
    `Tandem is running on http://localhost:${port}`,
  );

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: storing pending changes');
    shutDown(server, config.shutdownTimeoutMs)
      .then((outcome) => {
        if (outcome.clean) {
          log.info('stopped');
          process.exit(0);
        }
        log.error(
          { documents: outcome.unstored, waitedMs: config.shutdownTimeoutMs },
          'stopped without storing every change: storage did not take them in time. Nothing acknowledged ' +
            'is lost; the people editing these documents still have their changes and send them again when they reconnect',
        );
        process.exit(1);
      })
      .catch((err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error('tandem: failed to start:', err);
  process.exit(1);
});
