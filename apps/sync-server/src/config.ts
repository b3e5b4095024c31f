import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** apps/editor/dist, found from this file whether it runs from src/ (tests) or dist/. */
function defaultEditorDir(): string | null {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../editor/dist');
  return fs.existsSync(path.join(dir, 'index.html')) ? dir : null;
}

/** Levels pino understands, plus "silent". */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Everything the server can be told from outside; see the README's configuration table. */
export interface Config {
  port: number;
  /** Interface to listen on; undefined listens on all (IPv4 and IPv6). */
  host: string | undefined;
  dataDir: string;
  /**
   * PostgreSQL to store documents in instead of SQLite under `dataDir` (a libpq URL, e.g.
   * `postgres://user@/db?host=/run/postgresql`); null keeps the embedded SQLite default.
   */
  databaseUrl: string | null;
  /** This node's id, recorded as the owner of the documents it runs (PostgreSQL mode). */
  nodeId: string;
  /** Several nodes sharing `databaseUrl` (CLUSTER_SECRET set), or null for one node. */
  cluster: ClusterConfig | null;
  logLevel: LogLevel;
  /** Built editor to serve; null serves the API and sockets only. */
  staticDir: string | null;
  /**
   * Origins (besides the server's own) allowed to open sockets and, when same-site, to make
   * changes over HTTP, e.g. a dev server; normalised (`scheme://host[:port]`), or `*` for any.
   */
  allowedOrigins: string[];
  /**
   * Host names (besides PUBLIC_URL's, `localhost`, `*.localhost` and IP literals) this server
   * answers to, lower case; `.example.com` also allows its subdomains, `*` any name. Other
   * names are refused, so a DNS-rebinding page cannot reach the server under its own name.
   */
  allowedHosts: string[];
  /** Largest Socket.IO message accepted; a larger one closes that connection only. */
  maxMessageBytes: number;
  /** Socket.IO heartbeat: a ping every interval, a dead peer noticed after interval + timeout. */
  pingIntervalMs: number;
  pingTimeoutMs: number;
  /** How long an empty document stays in memory. */
  idleUnloadMs: number;
  /** Compaction thresholds for a document's update log. */
  compactRows: number;
  compactBytes: number;
  /** Extra wait to gather updates into one commit (0 = end of the current event-loop turn). */
  commitDelayMs: number;
  /** Most documents one connection may have open at once. */
  maxDocsPerConnection: number;
  /** Messages one connection may send per second, sustained (a token bucket refilled at this rate)… */
  rateLimitPerSecond: number;
  /** …and in one burst (the bucket's size). Over the limit, the connection is told and closed. */
  rateLimitBurst: number;
  /** Bytes a connection may have waiting to be sent to it (beyond its largest message) before it is dropped as a slow reader. */
  maxOutgoingBytes: number;
  /** A connection that has joined no document this long after connecting is closed. */
  joinTimeoutMs: number;
  /** Token mode when set: every connection and API call must present a token signed with it. */
  authSecret: string | null;
  /** Address people use to reach this server, for links printed by `npm run token`. */
  publicUrl: string;
  /** Version history: an automatic snapshot once editing has paused this long… */
  historyQuietMs: number;
  /** …and at least this often while editing goes on without a pause. */
  historyMaxIntervalMs: number;
  /** Retention of automatic snapshots: every one from the last this many hours… */
  historyKeepAllHours: number;
  /** …then one per hour up to this many days old… */
  historyHourlyDays: number;
  /** …then one per day, up to this many days old (0: for ever). Named versions are always kept. */
  historyDailyDays: number;
  /** Days a deleted document stays in Trash (restorable) before it is deleted for good. */
  trashDays: number;
  /** Most bytes one document's version history may take in storage; the oldest automatic versions are thinned first. */
  historyMaxBytes: number;
  /** Longest a shutdown waits to store what is pending (storage may be failing) before the process exits anyway. */
  shutdownTimeoutMs: number;
  /** `/healthz` reports trouble when the disk holding `dataDir` has less free space than this (0: never). */
  minFreeDiskBytes: number;
  /** A bearer token that may read `/metrics` (in either mode); null: only owners of every document may. */
  metricsToken: string | null;
  /**
   * Start even though SQLite's write-ahead log is missing or damaged while the database
   * expects committed changes in it, accepting their loss (set for one start only).
   */
  acceptWalLoss: boolean;
  /** Names given to versions of one document per hour, sustained (a token bucket per document)… */
  namedVersionsPerHour: number;
  /** …and at once. */
  namedVersionsBurst: number;
  /** Restores of one document per hour, sustained (each stores a restore point)… */
  restoresPerHour: number;
  /** …and at once. */
  restoresBurst: number;
  /** Documents one identity (token user, or address in open mode) may create per hour, sustained… */
  docsPerHour: number;
  /** …and at once. */
  docsBurst: number;
  /** Images one identity may upload per hour, sustained… */
  imagesPerHour: number;
  /** …and at once. */
  imagesBurst: number;
  /** Most Socket.IO connections at once; more are refused in the handshake with SERVER_BUSY. */
  maxConnections: number;
  /** Most HTTP request bodies being received at once; more are answered 503 without being read. */
  maxConcurrentBodies: number;
  /** Largest image accepted for upload; larger ones are answered 413. */
  maxImageBytes: number;
  /** A request body not fully received this long after its headers is answered 408 and its connection closed. */
  bodyTimeoutMs: number;
  /** Request headers not fully received this long after the connection opened: the connection is closed. */
  headersTimeoutMs: number;
  /** Worker threads for heavy requests (import, export, versions, diffs, restores), off the event loop. */
  workerThreads: number;
  /** A job running longer than this is stopped and its request answered with an error. */
  workTimeoutMs: number;
  /** Heap one worker thread may use, in MB; a job needing more is stopped. */
  workerMemoryMb: number;
  /** Jobs that may wait for a worker; beyond them a request is answered 503 at once. */
  workQueueMax: number;
  /** Largest diff response; a larger diff hides unchanged runs, then is cut at a block. */
  maxDiffBytes: number;
}

/** Raised for a configuration value that cannot be used; the message names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** An origin as browsers send it (`scheme://host[:port]`, default port dropped), or null when `value` is not one. */
export function normalizeOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin;
  } catch {
    return null;
  }
}

function list(env: NodeJS.ProcessEnv, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function allowedOrigins(env: NodeJS.ProcessEnv): string[] {
  return list(env, 'ALLOWED_ORIGINS').map((entry) => {
    if (entry === '*') return entry;
    const origin = normalizeOrigin(entry);
    // An origin is scheme, host and port: anything more would never match what a browser sends.
    if (origin === null || new URL(entry).href !== `${origin}/`)
      throw new ConfigError(
        `ALLOWED_ORIGINS lists origins like https://docs.example.com or http://localhost:5173 (scheme, host and port only), got "${entry}"`,
      );
    return origin;
  });
}

function allowedHosts(env: NodeJS.ProcessEnv): string[] {
  return list(env, 'ALLOWED_HOSTS').map((entry) => {
    const name = entry.toLowerCase().replace(/\.$/, '');
    if (name === '*' || /^\.?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/.test(name))
      return name;
    throw new ConfigError(
      `ALLOWED_HOSTS lists host names without scheme or port, like docs.example.com or .example.com, got "${entry}"`,
    );
  });
}

function publicUrl(env: NodeJS.ProcessEnv): string {
  const url = (env.PUBLIC_URL || `http://localhost:${env.PORT || 3000}`).replace(/\/+$/, '');
  if (normalizeOrigin(url) === null)
    throw new ConfigError(`PUBLIC_URL must be an http:// or https:// address, got "${env.PUBLIC_URL}"`);
  return url;
}

function metricsToken(env: NodeJS.ProcessEnv): string | null {
  const token = env.METRICS_TOKEN;
  if (token === undefined || token === '') return null;
  if (token.length < 16 || /\s/.test(token))
    throw new ConfigError(
      'METRICS_TOKEN must be at least 16 characters without spaces (use e.g. `openssl rand -hex 16`)',
    );
  return token;
}

function databaseUrl(env: NodeJS.ProcessEnv): string | null {
  const url = env.DATABASE_URL;
  if (url === undefined || url === '') return null;
  // Not parsed with `new URL`: libpq's unix-socket form (postgres://user@/db?host=/dir) is not a WHATWG URL.
  if (!/^postgres(ql)?:\/\//.test(url))
    throw new ConfigError('DATABASE_URL must be a PostgreSQL URL (postgres://user:password@host:5432/database)');
  return url;
}

function nodeId(env: NodeJS.ProcessEnv): string {
  const id = env.NODE_ID || `${os.hostname()}-${process.pid}`;
  if (!/^[\w.:-]{1,100}$/.test(id))
    throw new ConfigError('NODE_ID must be 1–100 letters, digits, dots, colons, dashes or underscores');
  return id;
}

/** Several nodes on one database: the secret they prove themselves to each other with, their address and lease. */
function cluster(env: NodeJS.ProcessEnv, port: number, databaseUrl: string | null): ClusterConfig | null {
  const secret = env.CLUSTER_SECRET;
  if (secret === undefined || secret === '') return null;
  if (databaseUrl === null)
    throw new ConfigError('CLUSTER_SECRET needs DATABASE_URL: the nodes of a cluster share one PostgreSQL database');
  if (secret.length < 32)
    throw new ConfigError('CLUSTER_SECRET must be at least 32 characters (use e.g. `openssl rand -hex 32`)');
  const address = env.NODE_ADDRESS || `http://127.0.0.1:${port}`;
  if (!/^https?:\/\/[^/\s]+$/.test(address))
    throw new ConfigError('NODE_ADDRESS must be the http(s)://host:port where the other nodes reach this one');
  return { secret, address, leaseMs: int(env, 'NODE_LEASE_MS', 5_000, 500, 600_000) };
}

function authSecret(env: NodeJS.ProcessEnv): string | null {
  const secret = env.TANDEM_AUTH_SECRET;
  if (secret === undefined || secret === '') return null;
  if (secret.length < 32)
    throw new ConfigError('TANDEM_AUTH_SECRET must be at least 32 characters (use e.g. `openssl rand -hex 32`)');
  return secret;
}

/** What a node of a cluster needs beyond the database. */
export interface ClusterConfig {
  /** Proves one node to another (CLUSTER_SECRET); every node has the same. */
  secret: string;
  /** Where the other nodes reach this one (NODE_ADDRESS). */
  address: string;
  /** How long a node counts as alive after it last renewed its lease (NODE_LEASE_MS). */
  leaseMs: number;
}

/** Reads the configuration from environment variables, with defaults; throws ConfigError on bad values. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const logLevel = (env.LOG_LEVEL ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel))
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  // Unset: the editor built beside this server; empty: serve no editor (API and sockets only).
  const staticDir =
    env.STATIC_DIR === undefined
      ? defaultEditorDir()
      : env.STATIC_DIR === ''
        ? null
        : path.resolve(cwd, env.STATIC_DIR);
  const port = int(env, 'PORT', 3000, 0, 65535);
  const database = databaseUrl(env);
  return {
    port,
    host: env.HOST || undefined,
    dataDir: path.resolve(cwd, env.DATA_DIR || './data'),
    databaseUrl: database,
    nodeId: nodeId(env),
    cluster: cluster(env, port, database),
    logLevel,
    staticDir,
    allowedOrigins: allowedOrigins(env),
    allowedHosts: allowedHosts(env),
    maxMessageBytes: int(env, 'MAX_MESSAGE_BYTES', 8 * 1024 * 1024, 1024, 256 * 1024 * 1024),
    pingIntervalMs: int(env, 'PING_INTERVAL_MS', 10_000, 100, 600_000),
    pingTimeoutMs: int(env, 'PING_TIMEOUT_MS', 5_000, 100, 600_000),
    idleUnloadMs: int(env, 'IDLE_UNLOAD_MS', 30_000, 0, 86_400_000),
    compactRows: int(env, 'COMPACT_ROWS', 500, 2, 10_000_000),
    compactBytes: int(env, 'COMPACT_BYTES', 1024 * 1024, 1024, 1024 * 1024 * 1024),
    commitDelayMs: int(env, 'COMMIT_DELAY_MS', 0, 0, 1000),
    maxDocsPerConnection: int(env, 'MAX_DOCS_PER_CONNECTION', 100, 1, 100_000),
    rateLimitPerSecond: int(env, 'RATE_LIMIT_PER_SEC', 200, 1, 1_000_000),
    rateLimitBurst: int(env, 'RATE_LIMIT_BURST', 1000, 1, 10_000_000),
    maxOutgoingBytes: int(env, 'MAX_OUTGOING_BYTES', 16 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    joinTimeoutMs: int(env, 'JOIN_TIMEOUT_MS', 30_000, 10, 86_400_000),
    authSecret: authSecret(env),
    publicUrl: publicUrl(env),
    historyQuietMs: int(env, 'HISTORY_QUIET_MS', 120_000, 10, 86_400_000),
    historyMaxIntervalMs: int(env, 'HISTORY_MAX_INTERVAL_MS', 600_000, 10, 86_400_000),
    historyKeepAllHours: int(env, 'HISTORY_KEEP_ALL_HOURS', 24, 0, 100_000),
    historyHourlyDays: int(env, 'HISTORY_HOURLY_DAYS', 7, 0, 100_000),
    historyDailyDays: int(env, 'HISTORY_DAILY_DAYS', 0, 0, 1_000_000),
    trashDays: int(env, 'TRASH_DAYS', 30, 1, 100_000),
    historyMaxBytes: int(env, 'HISTORY_MAX_BYTES', 64 * 1024 * 1024, 64 * 1024, 2 ** 40),
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 100, 3_600_000),
    minFreeDiskBytes: int(env, 'MIN_FREE_DISK_BYTES', 64 * 1024 * 1024, 0, Number.MAX_SAFE_INTEGER),
    metricsToken: metricsToken(env),
    acceptWalLoss: int(env, 'ACCEPT_WAL_LOSS', 0, 0, 1) === 1,
    namedVersionsPerHour: int(env, 'NAMED_VERSIONS_PER_HOUR', 60, 1, 100_000_000),
    namedVersionsBurst: int(env, 'NAMED_VERSIONS_BURST', 20, 1, 100_000_000),
    restoresPerHour: int(env, 'RESTORES_PER_HOUR', 60, 1, 100_000_000),
    restoresBurst: int(env, 'RESTORES_BURST', 20, 1, 100_000_000),
    docsPerHour: int(env, 'DOCS_PER_HOUR', 100, 1, 100_000_000),
    docsBurst: int(env, 'DOCS_BURST', 50, 1, 100_000_000),
    imagesPerHour: int(env, 'IMAGES_PER_HOUR', 300, 1, 100_000_000),
    imagesBurst: int(env, 'IMAGES_BURST', 60, 1, 100_000_000),
    maxConnections: int(env, 'MAX_CONNECTIONS', 10_000, 1, 10_000_000),
    maxConcurrentBodies: int(env, 'MAX_CONCURRENT_BODIES', 32, 1, 1_000_000),
    maxImageBytes: int(env, 'MAX_IMAGE_BYTES', 10 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    bodyTimeoutMs: int(env, 'BODY_TIMEOUT_MS', 30_000, 100, 3_600_000),
    headersTimeoutMs: int(env, 'HEADERS_TIMEOUT_MS', 10_000, 100, 3_600_000),
    workerThreads: int(env, 'WORKER_THREADS', 1, 1, 64),
    workTimeoutMs: int(env, 'WORK_TIMEOUT_MS', 30_000, 10, 3_600_000),
    workerMemoryMb: int(env, 'WORKER_MEMORY_MB', 1024, 64, 65_536),
    workQueueMax: int(env, 'WORK_QUEUE_MAX', 64, 0, 100_000),
    maxDiffBytes: int(env, 'MAX_DIFF_BYTES', 2 * 1024 * 1024, 16 * 1024, 1024 * 1024 * 1024),
  };
}
