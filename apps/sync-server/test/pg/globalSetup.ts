import type { TestProject } from 'vitest/node';
import { startPrivatePostgres } from '../../src/cli/privatePostgres.js';
import { migratePostgres } from '../../src/storage/postgres/pgMigrations.js';
import { openPool } from '../../src/storage/postgres/pgPool.js';
import { TEMPLATE_DATABASE } from './testDatabases.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** libpq URL of the test run's PostgreSQL server with `{db}` where the database name goes. */
    pgUrlPattern: string;
  }
}

/**
 * Starts one private PostgreSQL server for the run (fails the run, never skips, when it
 * cannot) and a migrated template database each test copies in a fraction of a second.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const postgres = await startPrivatePostgres();
  const admin = openPool(postgres.url('postgres'), { max: 1 });
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await admin.end();
  const template = openPool(postgres.url(TEMPLATE_DATABASE), { max: 1 });
  await migratePostgres(template);
  await template.end();
  project.provide('pgUrlPattern', postgres.url('{db}'));
  return () => postgres.stop();
}
