/**
 * Raised to an HTTP request that waited for its change to be stored while commits
 * failed: the change is held in memory and will be stored when storage recovers.
 */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';
  constructor(
    /** What is wrong, as the end of "The server cannot save right now: …". */
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`storage unavailable: ${reason}`, options);
  }
}

/** SQLite result codes (prefixes of extended codes) that mean storage failed, not the request. */
const STORAGE_CODES: readonly [prefix: string, reason: string][] = [
  ['SQLITE_FULL', 'the disk is full'],
  ['SQLITE_IOERR', 'the disk reported an input/output error'],
  ['SQLITE_READONLY', 'the database file cannot be written'],
  ['SQLITE_BUSY', 'the database is locked by another program'],
  ['SQLITE_LOCKED', 'the database is locked by another program'],
  ['SQLITE_CANTOPEN', 'the database file cannot be opened'],
  ['SQLITE_CORRUPT', 'the database file is damaged'],
  ['SQLITE_NOTADB', 'the database file is damaged'],
  ['SQLITE_PROTOCOL', 'the database is locked by another program'],
];

/** The SQLite code an error carries: better-sqlite3 sets `code`; errors passed between threads may only say it first in the message. */
function sqliteCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('SQLITE_')) return code;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' ? (/^(SQLITE_[A-Z_]+)\b/.exec(message)?.[1] ?? null) : null;
}

/** PostgreSQL SQLSTATE classes and codes, and socket errors of its driver, that mean storage failed. */
const POSTGRES_CODES: readonly [prefix: string, reason: string][] = [
  ['53100', 'the database server’s disk is full'],
  ['53', 'the database server is out of resources'],
  ['08', 'the connection to the database server failed'],
  ['57P', 'the database server is shutting down or restarting'],
  ['58', 'the database server reported an input/output error'],
  ['25006', 'the database server is read-only (a standby?)'],
  ['ECONNREFUSED', 'the database server cannot be reached'],
  ['ECONNRESET', 'the connection to the database server failed'],
  ['ENOENT', 'the database server cannot be reached'],
  ['ETIMEDOUT', 'the database server does not answer'],
];

/** The SQLSTATE (or socket error code) a `pg` error carries. */
function postgresCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^([0-9A-Z]{5}|E[A-Z]+)$/.test(code)) return code;
  const message = (error as { message?: unknown }).message;
  if (typeof message === 'string' && /^Connection terminated|timeout exceeded when trying to connect/.test(message))
    return '08006';
  return null;
}

/**
 * Why `error` means storage is failing, as a phrase a person can read ("the disk is
 * full"), or null when it is some other error (a bug, a bad request).
 */
export function storageFailureReason(error: unknown): string | null {
  if (error instanceof StorageUnavailableError) return error.reason;
  const code = sqliteCode(error);
  if (code !== null) return STORAGE_CODES.find(([prefix]) => code.startsWith(prefix))?.[1] ?? null;
  const pgCode = postgresCode(error);
  if (pgCode !== null) return POSTGRES_CODES.find(([prefix]) => pgCode.startsWith(prefix))?.[1] ?? null;
  return null;
}

/** What a failed commit means, as a phrase, whatever failed (a commit thread that died has no SQLite code). */
export function describeStorageError(error: unknown): string {
  return storageFailureReason(error) ?? 'saving to the database fails';
}
