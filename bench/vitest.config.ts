import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// The bench's own smoke test, runnable alone (`npm test -w @tandem/bench`); same resolution
// as the root config ("source" resolves workspace packages to their TypeScript).
export default defineConfig({
  root: '..',
  resolve: { conditions: ['source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  test: {
    include: ['bench/test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
