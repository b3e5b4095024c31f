import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { ErrorCode } from '@tandem/crdt-bridge/protocol';
import type { ClusterNode } from './clusterNode.js';
import type { Config } from './config.js';
import { DocumentService } from './documents/DocumentService.js';
import { EditDoor } from './documents/EditDoor.js';
import { TrashSweep } from './documents/TrashSweep.js';
import { ImageSweep } from './images/ImageSweep.js';
import { HistoryService } from './history/HistoryService.js';
import { DAY_MS, HOUR_MS, retentionPolicy } from './history/retention.js';
import { apiRoutes } from './http/api.js';
import { DocumentImages } from './images/DocumentImages.js';
import { RequestBodies } from './http/requestBodies.js';
import { answerRequests, createHttpServer } from './http/requests.js';
import { siteRules } from './http/sameOrigin.js';
import { Quotas } from './limits/Quotas.js';
import { createLogger } from './logger.js';
import { LogThrottle } from './logThrottle.js';
import { ServerMetrics } from './metrics.js';
import { UPDATE_PART_STRUCTS } from './rooms/largeUpdate.js';
import { RoomRegistry } from './rooms/RoomRegistry.js';
import { TitleKeeper } from './rooms/TitleKeeper.js';
import { SearchBackfill } from './search/SearchBackfill.js';
import { SearchKeeper } from './search/SearchKeeper.js';
import { EndOfTurn } from './sockets/endOfTurn.js';
import { handleConnection, type HandlerDeps } from './sockets/handlers.js';
import type { ConnectionLimits } from './sockets/Connection.js';
import { ForwardedRooms } from './sockets/ForwardedRooms.js';
import { NodeCarriers } from './sockets/NodeCarriers.js';
import { SocketAudience } from './sockets/SocketAudience.js';
import { createSocketServer } from './sockets/socketServer.js';
import { AccessTokens } from './auth/AccessTokens.js';
import type { TandemIo } from './sockets/types.js';
import type { DocumentStore, SearchIndexed } from './storage/DocumentStore.js';
import { LogCompaction } from './storage/LogCompaction.js';
import { openSqliteStore } from './storage/openStore.js';
import { StorageHealth } from './storage/StorageHealth.js';
import { WriteQueue } from './storage/WriteQueue.js';
import { WorkerPool } from './work/WorkerPool.js';
import { packerOn } from './work/versionPacker.js';

/** A running (or ready to run) Tandem server. */
export interface TandemServer {
  readonly http: http.Server;
  readonly io: TandemIo;
  readonly store: DocumentStore;
  readonly registry: RoomRegistry;
  readonly writes: WriteQueue;
  /** Version history: snapshots, diffs, restores. */
  readonly history: HistoryService;
  /** Documents' life outside editing: create, import, copy, rename, export, delete. */
  readonly documents: DocumentService;
  /** Deletes for good what has been in Trash longer than TRASH_DAYS. */
  readonly trashSweep: TrashSweep;
  /** Deletes images no document or version uses any more. */
  readonly imageSweep: ImageSweep;
  /** Worker threads for heavy requests. */
  readonly work: WorkerPool;
  /** Keeps update logs short. */
  readonly compaction: LogCompaction;
  readonly log: Logger;
  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(): Promise<number>;
  /**
   * Starts the thread that splits large updates and builds documents' shadows now, not at
   * the first change that needs it (which would wait for it to load: after a takeover, say).
   */
  warmWorkers(): void;
  /** Stops accepting, stores everything pending, closes storage. */
  close(): Promise<void>;
}

/** Optional pieces to inject (tests use them); defaults are built from the config. */
export interface ServerParts {
  store?: DocumentStore;
  log?: Logger;
  /** This node's part in a cluster (openConfiguredCluster); absent on a single node. */
  cluster?: ClusterNode;
}

/** Largest awareness (presence) update accepted from a client. */
const MAX_AWARENESS_BYTES = 64 * 1024;

/** The worker pools: one for heavy requests, and one thread of its own for splitting large client updates. */
function workerPools(config: Config, log: Logger): { work: WorkerPool; updateWork: WorkerPool } {
  const { workTimeoutMs: timeoutMs, workerMemoryMb: memoryMb } = config;
  return {
    work: new WorkerPool({ threads: config.workerThreads, timeoutMs, memoryMb, queueMax: config.workQueueMax, log }),
    // A paste must not wait behind an import that takes its worker tens of seconds; each split is short.
    // At the event loop's priority: what it splits (a paste, a document's shadow) someone is waiting for.
    updateWork: new WorkerPool({ threads: 1, timeoutMs, memoryMb, queueMax: 10_000, log, niceness: 0 }),
  };
}

/** Tells everyone with a document open that its changes cannot be stored right now (they are kept and retried). */
function tellStorageTrouble(registry: RoomRegistry, docIds: readonly string[]): void {
  for (const docId of docIds) {
    registry.get(docId)?.tellEveryone([
      'doc-error',
      {
        docId,
        code: ErrorCode.StorageUnavailable,
        message: 'The server cannot save right now. Your changes are kept and will be saved when storage recovers.',
      },
    ]);
  }
}

/** When the search index follows edits: a few seconds after typing pauses, and at least every ten seconds while it goes on. */
const SEARCH_TIMING = { quietMs: 2_000, maxWaitMs: 10_000 };

/** The search index kept up to date, when the store has one: from rooms as they change, and a backfill of older documents. */
function searchPieces(
  store: DocumentStore,
  registry: RoomRegistry,
  work: WorkerPool,
  log: Logger,
): { keeper: SearchKeeper; backfill: SearchBackfill } | null {
  if (!store.search) return null;
  const indexed = store as SearchIndexed<DocumentStore>;
  return {
    keeper: new SearchKeeper(indexed.search, registry, log, SEARCH_TIMING, work),
    backfill: new SearchBackfill(indexed, registry, work, log),
  };
}

/** What follows documents once storage is open: rooms, compaction, titles, history and the document service. */
function documentPieces(
  config: Config,
  log: Logger,
  store: DocumentStore,
  writes: WriteQueue,
  io: TandemIo,
  pools: { work: WorkerPool; updateWork: WorkerPool },
  carriers: NodeCarriers | null,
) {
  const registry = new RoomRegistry(store, writes, log, {
    idleUnloadMs: config.idleUnloadMs,
    audienceFor: (docId) => new SocketAudience(io, docId, carriers),
    splitUpdate: async (update) =>
      (await pools.updateWork.run('splitUpdate', { update, maxStructs: UPDATE_PART_STRUCTS })).parts,
  });
  const { compactRows, compactBytes } = config;
  const compaction = new LogCompaction(store, registry, log, { compactRows, compactBytes }, writes);
  const titles = new TitleKeeper(store, registry, log, writes);
  const door = new EditDoor(registry, writes);
  // Its own thread (the one large pastes are split on): a restore point must not wait behind a long diff.
  store.versions?.packWith?.(packerOn(pools.updateWork, log));
  const history = new HistoryService({
    ...{ versions: store.versions ?? null, registry, door, log, work: pools.work },
    options: {
      quietMs: config.historyQuietMs,
      maxIntervalMs: config.historyMaxIntervalMs,
      retention: retentionPolicy(config.historyKeepAllHours, config.historyHourlyDays, config.historyDailyDays),
      maxBytes: config.historyMaxBytes,
      maxDiffBytes: config.maxDiffBytes,
    },
  });
  const maxStateBytes = config.maxMessageBytes;
  const documents = new DocumentService({ store, registry, door, titles, work: pools.work, log, maxStateBytes });
  const deleteForever = (docId: string): Promise<boolean> => documents.deleteForever(docId);
  const trashSweep = new TrashSweep({ trash: store.trash, deleteForever, log, days: config.trashDays });
  const search = searchPieces(store, registry, pools.work, log);
  const graceMs = Math.max(config.historyKeepAllHours * HOUR_MS, config.historyHourlyDays * DAY_MS, DAY_MS);
  const imageSweep = new ImageSweep({ store, registry, work: pools.work, log, graceMs });
  return { registry, compaction, titles, history, documents, trashSweep, imageSweep, search };
}

/** In a cluster: the carriers other nodes open to this one, and this node's clients of documents others run. */
function clusterSockets(
  io: TandemIo,
  cluster: ClusterNode | undefined,
  log: Logger,
): { carriers: NodeCarriers; forwardedRooms: ForwardedRooms } | null {
  if (!cluster) return null;
  const forwardedRooms = new ForwardedRooms(io);
  cluster.routing.deliverRelays((docId, except, message) => forwardedRooms.deliver(docId, except, message));
  const carriers = new NodeCarriers(io, log, cluster.routing.counts);
  cluster.routing.onNodeDown((nodeId) => carriers.drop(nodeId));
  return { carriers, forwardedRooms };
}

/** Hands every new Socket.IO connection to the protocol's handlers (a node's carrier to the carriers). */
function acceptConnections(
  io: TandemIo,
  config: Config,
  deps: Omit<HandlerDeps, keyof ConnectionLimits>,
  carriers: NodeCarriers | null,
): void {
  const limits: ConnectionLimits = {
    maxDocsPerConnection: config.maxDocsPerConnection,
    maxAwarenessBytes: MAX_AWARENESS_BYTES,
    rateLimit: { perSecond: config.rateLimitPerSecond, burst: config.rateLimitBurst },
    maxOutgoingBytes: config.maxOutgoingBytes,
    joinTimeoutMs: config.joinTimeoutMs,
  };
  // One object for every connection (not a copy each).
  const connectionDeps: HandlerDeps = { ...deps, ...limits };
  io.on('connection', (socket) => {
    deps.log.debug({ socket: socket.id }, 'connected');
    if (socket.data.carrier && carriers) return carriers.accept(socket, socket.data.forwardedBy!);
    handleConnection(socket, connectionDeps);
  });
}

/** What follows from commits: storage trouble told to editors, fenced-out rooms dropped, commit times measured. */
function followWrites(writes: WriteQueue, registry: RoomRegistry, metrics: ServerMetrics): void {
  writes.onFailed((docIds) => tellStorageTrouble(registry, docIds));
  writes.onFencedOut((docId) => {
    metrics.fencedWrites.inc();
    registry.disown(docId);
  });
  writes.onTimed((seconds, updates) => {
    metrics.commitSeconds.observe(seconds);
    metrics.commitBatch.observe(updates);
  });
}

/** The server's gauges, each read from the piece that knows it. */
function serverMetrics(io: TandemIo, pieces: ReturnType<typeof documentPieces>): ServerMetrics {
  const { registry, compaction, titles, history, search } = pieces;
  return new ServerMetrics({
    connections: () => io.engine.clientsCount,
    documentsLoaded: () => registry.size,
    documentsApplied: () => registry.applied,
    compactions: () => compaction.compactions,
    titlesStored: () => titles.titlesStored,
    autoVersions: () => history.autoVersions,
    searchTextsWritten: () => search?.keeper.textsWritten ?? 0,
  });
}

/** Stops accepting, stores everything pending (content, titles, search texts, versions), then closes storage. */
async function shutDown(parts: {
  io: TandemIo;
  httpServer: http.Server;
  store: DocumentStore;
  pools: { work: WorkerPool; updateWork: WorkerPool };
  pieces: ReturnType<typeof documentPieces>;
  cluster?: ClusterNode;
}): Promise<void> {
  const { io, httpServer, store, pools, pieces, cluster } = parts;
  io.close();
  await pieces.trashSweep.stop();
  await pieces.imageSweep.stop();
  await pieces.search?.backfill.stop();
  // Unloading every room snapshots what changed since the last snapshot; then no more.
  await pieces.registry.closeAll();
  await pieces.titles.settled();
  await pieces.search?.keeper.settled();
  await pieces.history.close();
  await cluster?.close();
  await Promise.all([pools.work.close(), pools.updateWork.close()]);
  await store.close();
  httpServer.closeAllConnections();
}

/** Starts `httpServer` listening as the config says; resolves with the bound port. */
function listen(httpServer: http.Server, config: Config): Promise<number> {
  return new Promise((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => {
      httpServer.off('error', reject);
      resolve((httpServer.address() as AddressInfo).port);
    });
  });
}

/**
 * Builds the server — storage, rooms, history, documents, Socket.IO and HTTP on one port —
 * each piece from the ones before it. Call `listen()` to start it.
 */
export function createTandemServer(config: Config, parts: ServerParts = {}): TandemServer {
  const log = parts.log ?? createLogger(config.logLevel);
  const store = parts.store ?? openSqliteStore(config, log);
  const startedAt = Date.now();
  // Refusals come in floods under attack: one log line per kind per second, with a count.
  const refusals = new LogThrottle(log);
  const site = siteRules(config);
  const turn = new EndOfTurn();
  const httpServer = createHttpServer(config);
  const { cluster } = parts;
  const tokens = config.authSecret === null ? null : new AccessTokens(config.authSecret, store.links);
  const io = createSocketServer(httpServer, { config, log, site, refusals, turn, tokens });
  const atEndOfTurn = (run: () => void): void => turn.defer('storage', run);
  const writes = new WriteQueue(store, log, { delayMs: config.commitDelayMs, atEndOfTurn });
  const pools = workerPools(config, log);
  const nodeSockets = clusterSockets(io, cluster, log);
  const carriers = nodeSockets?.carriers ?? null;
  const pieces = documentPieces(config, log, store, writes, io, pools, carriers);
  const { registry, compaction, titles, history, documents, trashSweep } = pieces;
  const metrics = serverMetrics(io, pieces);
  cluster?.serveFrom((docId) => registry.get(docId) !== undefined);
  cluster?.addMetrics(metrics.registry);
  followWrites(writes, registry, metrics);
  const quotas = new Quotas(config);
  const routing =
    cluster && nodeSockets ? { cluster: cluster.routing, forwardedRooms: nodeSockets.forwardedRooms } : {};
  acceptConnections(io, config, { metrics, registry, store, quotas, log, ...routing }, carriers);

  const storage = new StorageHealth(store, writes, {
    // In PostgreSQL mode DATA_DIR holds no documents: the database server watches its own disk.
    dataDir: config.databaseUrl === null ? config.dataDir : null,
    minFreeDiskBytes: config.minFreeDiskBytes,
  });
  const routes = apiRoutes({
    ...{ store, documents, registry, history, log, startedAt, metrics, storage, quotas, trashSweep },
    connections: () => io.engine.clientsCount,
    ...(cluster && { cluster }),
    tokens,
    metricsToken: config.metricsToken,
    images: new DocumentImages(store.images, config.maxImageBytes),
  });
  const bodies = new RequestBodies({ maxConcurrent: config.maxConcurrentBodies, timeoutMs: config.bodyTimeoutMs }, log);
  answerRequests(httpServer, {
    config,
    log,
    site,
    refusals,
    bodies,
    routes,
    storage,
    tokens,
    ...(cluster && { cluster }),
  });

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => shutDown({ io, httpServer, store, pools, pieces, ...(cluster && { cluster }) });
  pieces.search?.backfill.start();
  return {
    ...{ http: httpServer, io, store, registry, writes, history, documents, work: pools.work, compaction, log },
    trashSweep,
    imageSweep: pieces.imageSweep,
    listen: () => {
      trashSweep.start();
      pieces.imageSweep.start();
      return listen(httpServer, config);
    },
    warmWorkers: () => pools.updateWork.warm(),
    close: () => (closing ??= close()),
  };
}
