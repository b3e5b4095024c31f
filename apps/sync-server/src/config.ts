import fs from 'node:fs';
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
  logLevel: LogLevel;
  /** Built editor to serve; null serves the API and sockets only. */
  staticDir: string | null;
  /** Origins (besides the server's own) allowed to open sockets, e.g. a dev server. */
  allowedOrigins: string[];
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

function authSecret(env: NodeJS.ProcessEnv): string | null {
  const secret = env.TANDEM_AUTH_SECRET;
  if (secret === undefined || secret === '') return null;
  if (secret.length < 32)
    throw new ConfigError('TANDEM_AUTH_SECRET must be at least 32 characters (use e.g. `openssl rand -hex 32`)');
  return secret;
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
  return {
    port: int(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || undefined,
    dataDir: path.resolve(cwd, env.DATA_DIR || './data'),
    logLevel,
    staticDir,
    allowedOrigins: (env.ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
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
    publicUrl: (env.PUBLIC_URL || `http://localhost:${env.PORT || 3000}`).replace(/\/+$/, ''),
    historyQuietMs: int(env, 'HISTORY_QUIET_MS', 120_000, 10, 86_400_000),
    historyMaxIntervalMs: int(env, 'HISTORY_MAX_INTERVAL_MS', 600_000, 10, 86_400_000),
    historyKeepAllHours: int(env, 'HISTORY_KEEP_ALL_HOURS', 24, 0, 100_000),
    historyHourlyDays: int(env, 'HISTORY_HOURLY_DAYS', 7, 0, 100_000),
    historyDailyDays: int(env, 'HISTORY_DAILY_DAYS', 0, 0, 1_000_000),
    workerThreads: int(env, 'WORKER_THREADS', 1, 1, 64),
    workTimeoutMs: int(env, 'WORK_TIMEOUT_MS', 30_000, 10, 3_600_000),
    workerMemoryMb: int(env, 'WORKER_MEMORY_MB', 1024, 64, 65_536),
    workQueueMax: int(env, 'WORK_QUEUE_MAX', 64, 0, 100_000),
    maxDiffBytes: int(env, 'MAX_DIFF_BYTES', 2 * 1024 * 1024, 16 * 1024, 1024 * 1024 * 1024),
  };
}
