import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { ErrorCode, WIRE_PARSER } from '@tandem/crdt-bridge/protocol';
import { AuthError, verifyToken } from './auth/tokens.js';
import type { Config } from './config.js';
import { ServerMetrics } from './metrics.js';
import { HistoryService } from './history/HistoryService.js';
import { retentionPolicy } from './history/retention.js';
import { apiRoutes, handleApi } from './http/api.js';
import { createEditorHandler } from './http/editor.js';
import { sendError } from './http/json.js';
import { requestRefusal, siteRules, socketRefusal } from './http/sameOrigin.js';
import { RequestBodies } from './http/requestBodies.js';
import { refuseBeyondConnectionLimit } from './limits/connections.js';
import { Quotas } from './limits/Quotas.js';
import { createLogger } from './logger.js';
import { LogThrottle } from './logThrottle.js';
import { roomName, type TandemIo } from './rooms/Room.js';
import { RoomRegistry } from './rooms/RoomRegistry.js';
import { UPDATE_PART_STRUCTS } from './rooms/largeUpdate.js';
import { handleConnection } from './sockets/handlers.js';
import { EndOfTurn } from './sockets/endOfTurn.js';
import { batchConnectionWrites, PreFramedAdapter } from './sockets/outgoingBatching.js';
import type { DocumentStore } from './storage/DocumentStore.js';
import { SqliteStore } from './storage/SqliteStore.js';
import { StorageHealth } from './storage/StorageHealth.js';
import { WriteQueue } from './storage/WriteQueue.js';
import { WorkerPool } from './work/WorkerPool.js';

/** A running (or ready to run) Tandem server. */
export interface TandemServer {
  readonly http: http.Server;
  readonly io: TandemIo;
  readonly store: DocumentStore;
  readonly registry: RoomRegistry;
  readonly writes: WriteQueue;
  /** Version history: snapshots, diffs, restores. */
  readonly history: HistoryService;
  /** Worker threads for heavy requests. */
  readonly work: WorkerPool;
  readonly log: Logger;
  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(): Promise<number>;
  /** Stops accepting, stores everything pending, closes storage. */
  close(): Promise<void>;
}

/** Optional pieces to inject (tests use them); defaults are built from the config. */
export interface ServerParts {
  store?: DocumentStore;
  log?: Logger;
}

/** Largest awareness (presence) update accepted from a client. */
const MAX_AWARENESS_BYTES = 64 * 1024;

/** Builds the server: storage, rooms, Socket.IO and HTTP on one port. Call `listen()` to start it. */
export function createTandemServer(config: Config, parts: ServerParts = {}): TandemServer {
  const log = parts.log ?? createLogger(config.logLevel);
  const store =
    parts.store ?? new SqliteStore(path.join(config.dataDir, 'tandem.db'), { acceptWalLoss: config.acceptWalLoss });
  if (store instanceof SqliteStore && store.walLoss !== null)
    log.warn({ problem: store.walLoss }, 'started with ACCEPT_WAL_LOSS=1: changes in the write-ahead log were lost');
  const startedAt = Date.now();
  // Stalled requests must not hold memory for Node's default 300 s: headers get HEADERS_TIMEOUT_MS,
  // and a whole request that long plus BODY_TIMEOUT_MS (RequestBodies answers a slow body first).
  // Refusals come in floods under attack: one log line per kind per second, with a count.
  const refusals = new LogThrottle(log);
  const httpServer = http.createServer({
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: config.headersTimeoutMs + config.bodyTimeoutMs + 1_000,
    // How often Node looks for requests past those timeouts (its default, 30 s, would dwarf them).
    connectionsCheckingInterval: Math.max(250, Math.min(5_000, config.headersTimeoutMs / 2)),
  });
  const bodies = new RequestBodies({ maxConcurrent: config.maxConcurrentBodies, timeoutMs: config.bodyTimeoutMs }, log);
  const quotas = new Quotas(config);
  // `io` and `registry` exist by the time anything scrapes these.
  const metrics = new ServerMetrics({
    connections: () => io.engine.clientsCount,
    documentsLoaded: () => registry.size,
  });

  const site = siteRules(config);
  const turn = new EndOfTurn();
  const io: TandemIo = new Server(httpServer, {
    adapter: PreFramedAdapter,
    maxHttpBufferSize: config.maxMessageBytes,
    pingInterval: config.pingIntervalMs,
    pingTimeout: config.pingTimeoutMs,
    serveClient: false,
    parser: WIRE_PARSER,
    // Every (re)connection goes through the full handshake and re-joins explicitly.
    connectionStateRecovery: undefined,
    allowRequest: (req, callback) => {
      const refusal = socketRefusal(req, site);
      if (refusal)
        refusals.warn(
          `socket:${refusal.code}`,
          { host: req.headers.host, origin: req.headers.origin },
          `socket refused: ${refusal.message}`,
        );
      callback(refusal?.message ?? null, refusal === null);
    },
  });

  // The registry and write queue refer to each other through hooks; `registry` is assigned just below.
  let registry: RoomRegistry;
  const notifyStorage = (docIds: ReadonlySet<string>): void => {
    for (const docId of docIds) {
      io.to(roomName(docId)).emit('doc-error', {
        docId,
        code: ErrorCode.StorageUnavailable,
        message: 'The server cannot save right now. Your changes are kept and will be saved when storage recovers.',
      });
    }
  };
  const writes = new WriteQueue(
    store,
    log,
    {
      committed: (docId, lastSeq, rows, bytes) => registry.committed(docId, lastSeq, rows, bytes),
      failed: (_err, docIds) => notifyStorage(docIds),
      timed: (seconds, updates) => {
        metrics.commitSeconds.observe(seconds);
        metrics.commitBatch.observe(updates);
      },
    },
    { delayMs: config.commitDelayMs, atEndOfTurn: (run) => turn.defer('storage', run) },
  );
  const work = new WorkerPool({
    threads: config.workerThreads,
    timeoutMs: config.workTimeoutMs,
    memoryMb: config.workerMemoryMb,
    queueMax: config.workQueueMax,
    log,
  });
  // A thread of its own for splitting large client updates: a paste must not wait behind
  // an import that takes its worker tens of seconds. Each split is short; many may wait.
  const updateWork = new WorkerPool({
    threads: 1,
    timeoutMs: config.workTimeoutMs,
    memoryMb: config.workerMemoryMb,
    queueMax: 10_000,
    log,
  });
  // History follows rooms through the registry's hooks; `history` is assigned just below.
  let history: HistoryService;
  registry = new RoomRegistry(store, writes, io, log, {
    idleUnloadMs: config.idleUnloadMs,
    compactRows: config.compactRows,
    compactBytes: config.compactBytes,
    splitUpdate: async (update) =>
      (await updateWork.run('splitUpdate', { update, maxStructs: UPDATE_PART_STRUCTS })).parts,
    hooks: {
      loaded: (room) => history.hooks.loaded?.(room),
      emptied: (room) => history.hooks.emptied?.(room),
    },
  });
  history = new HistoryService({
    store,
    registry,
    writes,
    log,
    options: {
      quietMs: config.historyQuietMs,
      maxIntervalMs: config.historyMaxIntervalMs,
      retention: retentionPolicy(config.historyKeepAllHours, config.historyHourlyDays, config.historyDailyDays),
      maxBytes: config.historyMaxBytes,
    },
    work,
    limits: { maxStateBytes: config.maxMessageBytes, maxDiffBytes: config.maxDiffBytes },
  });

  // Before anything else about a new connection, so a full server spends nothing more on it.
  io.use(refuseBeyondConnectionLimit(io, config.maxConnections, refusals));

  if (config.authSecret) {
    const secret = config.authSecret;
    // Runs on every connection, reconnects included: there is no connection-state recovery to skip it.
    io.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      verifyToken(secret, token)
        .then(({ user, expiresAt }) => {
          socket.data.user = user;
          socket.data.authenticated = true;
          const left = expiresAt - Date.now();
          // Close the connection when the token expires; the client must come back with a new one.
          if (left < 2 ** 31 - 1) setTimeout(() => socket.disconnect(true), Math.max(0, left)).unref();
          next();
        })
        .catch((err: unknown) => {
          const refusal = new Error(err instanceof AuthError ? err.message : 'Sign-in failed.') as Error & {
            data: { code: string };
          };
          refusal.data = { code: ErrorCode.Unauthorized };
          log.info({ reason: refusal.message }, 'socket refused: no valid token');
          next(refusal);
        });
    });
  }

  io.engine.on('connection', (conn: unknown) => batchConnectionWrites(conn, turn));
  io.on('connection', (socket) => {
    log.debug({ socket: socket.id }, 'connected');
    handleConnection(socket, {
      io,
      metrics,
      registry,
      store,
      quotas,
      writes,
      log,
      maxDocsPerConnection: config.maxDocsPerConnection,
      maxAwarenessBytes: MAX_AWARENESS_BYTES,
      rateLimit: { perSecond: config.rateLimitPerSecond, burst: config.rateLimitBurst },
      maxOutgoingBytes: config.maxOutgoingBytes,
      joinTimeoutMs: config.joinTimeoutMs,
    });
  });

  const storageHealth = new StorageHealth(store, writes, {
    dataDir: config.dataDir,
    minFreeDiskBytes: config.minFreeDiskBytes,
  });
  const serveEditor = config.staticDir ? createEditorHandler(config.staticDir) : null;
  const routes = apiRoutes({
    store,
    registry,
    writes,
    io,
    history,
    log,
    startedAt,
    metrics,
    connections: () => io.engine.clientsCount,
    storage: storageHealth,
    authSecret: config.authSecret,
    metricsToken: config.metricsToken,
    quotas,
    work,
    maxStateBytes: config.maxMessageBytes,
  });
  httpServer.on('request', (req, res) => {
    // Socket.IO answers its own path; everything else is ours.
    if (req.url?.startsWith('/socket.io/')) return;
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'same-origin');
    res.setHeader('x-frame-options', 'DENY');
    const refusal = requestRefusal(req, site);
    if (refusal) {
      refusals.warn(
        refusal.code,
        { method: req.method, url: req.url, host: req.headers.host, origin: req.headers.origin },
        `request refused: ${refusal.message}`,
      );
      // Someone who typed the address gets a sentence; programs get the API's JSON error.
      if (req.headers.accept?.includes('text/html')) {
        res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
        res.end(`${refusal.message}\n`);
      } else sendError(res, 403, refusal.code, refusal.message);
      return;
    }
    if (!bodies.admit(req, res)) return;
    handleApi(req, res, routes, log, config.authSecret, storageHealth)
      .then((handled) => {
        if (handled) return;
        if (serveEditor) serveEditor(req, res);
        else sendError(res, 404, 'NOT_FOUND', 'Nothing here.');
      })
      .catch((err: unknown) => {
        log.error({ err }, 'request failed');
        if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'The server could not handle this request.');
      });
  });

  let closing: Promise<void> | null = null;
  return {
    http: httpServer,
    io,
    store,
    registry,
    writes,
    history,
    work,
    log,
    listen: () =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.port, config.host, () => {
          httpServer.off('error', reject);
          resolve((httpServer.address() as AddressInfo).port);
        });
      }),
    close: () => {
      closing ??= (async () => {
        io.close();
        // Unloading every room snapshots what changed since the last snapshot; then no more.
        await registry.closeAll();
        history.close();
        await Promise.all([work.close(), updateWork.close()]);
        await store.close();
        httpServer.closeAllConnections();
      })();
      return closing;
    },
  };
}
