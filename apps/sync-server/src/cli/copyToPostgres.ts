import path from 'node:path';
import { loadConfig } from '../config.js';
import { copySqliteToPostgres } from '../storage/postgres/copyFromSqlite.js';
import { openPool, redactDatabaseUrl } from '../storage/postgres/pgPool.js';

/**
 * `DATABASE_URL=… npm run copy-to-postgres [-- <sqlite-file>]`: copies a SQLite database
 * (default: `DATA_DIR/tandem.db`) into an empty PostgreSQL database. Stop the server first,
 * or copy from a backup (`npm run backup`): changes made during the copy are not in it.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (config.databaseUrl === null) {
    console.error('usage: DATABASE_URL=postgres://… npm run copy-to-postgres [-- <sqlite-file>]');
    process.exit(64);
  }
  const file = path.resolve(process.argv[2] ?? path.join(config.dataDir, 'tandem.db'));
  const pool = openPool(config.databaseUrl, { max: 1 });
  const started = Date.now();
  try {
    const copied = await copySqliteToPostgres(file, pool);
    console.log(
      `tandem copy-to-postgres: ${copied.documents} documents (${copied.updateRows} update rows, ${copied.versions} versions, ` +
        `${copied.authors} authors, ${copied.tombstones} deleted ids) copied from ${file} to ` +
        `${redactDatabaseUrl(config.databaseUrl)} in ${Date.now() - started} ms`,
    );
  } finally {
    await pool.end();
  }
}

main().catch((err: unknown) => {
  console.error(`tandem copy-to-postgres: ${(err as Error).message}`);
  process.exit(1);
});
