import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * Integration suites that also run against a server storing in PostgreSQL (the `postgres`
 * project): the same tests, with `TANDEM_TEST_STORE=postgres` making every test server
 * open a database of its own on the run's private PostgreSQL server.
 */
const ALSO_ON_POSTGRES = [
  'apps/sync-server/test/sync.test.ts',
  'apps/sync-server/test/presence.test.ts',
  'apps/sync-server/test/documents-api.test.ts',
  'apps/sync-server/test/document-list.test.ts',
  'apps/sync-server/test/lifecycle.test.ts',
  'apps/sync-server/test/history.test.ts',
  'apps/sync-server/test/history-restore.test.ts',
  'apps/sync-server/test/history-retention.test.ts',
  'apps/sync-server/test/auth.test.ts',
  'apps/sync-server/test/share-links.test.ts',
  'apps/sync-server/test/trash.test.ts',
  'apps/sync-server/test/search.test.ts',
  'apps/sync-server/test/conformance.test.ts',
  'apps/sync-server/test/images-api.test.ts',
  'apps/sync-server/test/image-sweep.test.ts',
];

// "source" makes workspace packages resolve to their TypeScript sources, so tests need no build.
export default defineConfig({
  resolve: { conditions: ['source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  test: {
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: [
            'packages/*/src/**/*.test.ts',
            'packages/*/test/**/*.test.ts',
            'apps/*/src/**/*.test.ts',
            'apps/*/test/*.test.ts',
            'bench/test/**/*.test.ts',
          ],
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['apps/sync-server/test/pg/**/*.test.ts', ...ALSO_ON_POSTGRES],
          globalSetup: ['apps/sync-server/test/pg/globalSetup.ts'],
          env: { TANDEM_TEST_STORE: 'postgres' },
        },
      },
    ],
  },
});
