import pg from 'pg';

/** PostgreSQL's type id for `bigint` (int8). */
const INT8_OID = 20;

/**
 * `bigint` columns (sequence numbers, epochs, millisecond times, sizes) as numbers: every
 * value Tandem stores there stays far below 2^53.
 */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/**
 * A connection pool for `DATABASE_URL`, read as libpq and `pg` read it
 * (`postgres://user@/db?host=/socket/dir` included, which `new URL` would reject).
 */
export function openPool(databaseUrl: string, options: { max?: number; applicationName?: string } = {}): pg.Pool {
  return new pg.Pool({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    types,
    application_name: options.applicationName ?? 'tandem',
    // A database that does not answer is reported (storage trouble), not waited on forever.
    connectionTimeoutMillis: 10_000,
  });
}

/** `databaseUrl` with any password replaced, for logs and error messages. */
export function redactDatabaseUrl(databaseUrl: string): string {
  return databaseUrl.replace(/^(\w+:\/\/[^:/@]*:)[^@]*@/, '$1***@').replace(/([?&]password=)[^&]*/i, '$1***');
}
