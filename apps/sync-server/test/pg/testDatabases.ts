import { createHash } from 'node:crypto';
import { inject } from 'vitest';
import * as Y from 'yjs';
import { openPool } from '../../src/storage/postgres/pgPool.js';
import { decodeRow } from '../../src/storage/rowCodec.js';

/** The migrated, empty database every test database is copied from. */
export const TEMPLATE_DATABASE = 'tandem_template';

/** Whether this test run stores in PostgreSQL (the `postgres` project) rather than SQLite. */
export function storingInPostgres(): boolean {
  return process.env.TANDEM_TEST_STORE === 'postgres';
}

/** The URL of database `name` on the run's PostgreSQL server. */
export function databaseUrl(name: string): string {
  return inject('pgUrlPattern').replace('{db}', name);
}

/**
 * The URL of a database of its own for `key` (a test's data directory, so a server
 * restarted on the same directory finds its documents), created from the template on first use.
 */
export async function databaseFor(key: string, template: string = TEMPLATE_DATABASE): Promise<string> {
  const name = `t_${createHash('sha256').update(key).digest('hex').slice(0, 20)}`;
  const admin = openPool(databaseUrl('postgres'), { max: 1 });
  try {
    const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rows.length === 0) await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  return databaseUrl(name);
}

/** The URL of a new database with no schema at all (PostgreSQL's own empty template). */
export function emptyDatabase(key: string): Promise<string> {
  return databaseFor(key, 'template0');
}

/** What database `url` holds of a document right now: its rows applied in order, and their sequence numbers. */
export async function storedInPostgres(url: string, docId: string): Promise<{ doc: Y.Doc; seqs: number[] }> {
  const pool = openPool(url, { max: 1 });
  try {
    const { rows } = await pool.query<{ seq: number; data: Buffer; codec: number }>(
      'SELECT seq, data, codec FROM updates WHERE doc_id = $1 ORDER BY seq',
      [docId],
    );
    const doc = new Y.Doc();
    Y.transact(doc, () => {
      for (const { data, codec } of rows) Y.applyUpdate(doc, decodeRow(new Uint8Array(data), codec));
    });
    return { doc, seqs: rows.map((r) => Number(r.seq)) };
  } finally {
    await pool.end();
  }
}
