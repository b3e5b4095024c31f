import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './builtServer.js';

/** Loading the whole server through tsx takes a second or two, far more on a busy machine. */
const LOAD_TIMEOUT_MS = 90_000;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-graph-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * A module resolution hook that refuses socket.io-client, the PostgreSQL driver and
 * Tandem's PostgreSQL code: a module graph that reaches one fails to load, naming the
 * module that asked for it. It runs ahead of tsx's hooks, and sees what they resolve to.
 */
const GUARD = `
const REFUSED = [
  ['socket.io-client', /[\\\\/]node_modules[\\\\/]socket\\.io-client[\\\\/]/],
  ['the PostgreSQL driver', /[\\\\/]node_modules[\\\\/]pg[\\\\/]/],
  ['the PostgreSQL store', /[\\\\/]storage[\\\\/]postgres[\\\\/]/],
  ['the cluster code', /[\\\\/]src[\\\\/]cluster[\\\\/]/],
];
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  for (const [name, pattern] of REFUSED)
    if (pattern.test(result.url)) throw new Error(name + ' was loaded, asked for by ' + context.parentURL);
  return result;
}
`;

/**
 * Loads `modules` in a fresh Node process as the tests run the server: from TypeScript
 * sources through tsx, with workspace packages resolved to their sources (`source`
 * condition), and socket.io-client refused. Returns how the process ended.
 */
function load(modules: string[], then = ''): { status: number | null; output: string } {
  const guard = path.join(dir, 'guard.mjs');
  const register = path.join(dir, 'register.mjs');
  fs.writeFileSync(guard, GUARD);
  fs.writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(guard).href)});\n`,
  );
  const script =
    `const loaded = [];\nfor (const m of ${JSON.stringify(modules)}) loaded.push(await import(m));\n${then}\n` +
    // main.ts starts a server; the question is only whether its modules loaded.
    `console.log('loaded'); process.exit(0);`;
  const child = spawnSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', '--import', pathToFileURL(register).href, '--input-type=module'],
    {
      cwd: ROOT,
      input: script,
      encoding: 'utf8',
      timeout: LOAD_TIMEOUT_MS - 10_000,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'silent' },
    },
  );
  return { status: child.status, output: `${child.stdout}${child.stderr}` };
}

const server = (file: string): string => pathToFileURL(path.join(ROOT, 'apps/sync-server/src', file)).href;

describe('the server’s module graph', () => {
  it(
    'never loads socket.io-client: the server takes only the bridge subpaths it needs',
    () => {
      // main.ts is what `npm start` runs; the jobs are what its worker threads load.
      const result = load([server('main.ts'), server('work/jobs.ts'), server('work/messages.ts')]);
      expect(result.output).not.toContain('socket.io-client was loaded');
      expect(result.output).toContain('loaded');
      expect(result.status).toBe(0);
    },
    LOAD_TIMEOUT_MS,
  );

  it(
    'opens SQLite without loading the PostgreSQL driver or store when DATABASE_URL is not set',
    () => {
      const result = load(
        [server('storage/openStore.ts'), server('config.ts'), server('logger.ts')],
        `const [{ openConfiguredStore }, { loadConfig }, { createLogger }] = loaded;
         const store = await openConfiguredStore(loadConfig(), createLogger('silent'));
         await store.close();`,
      );
      expect(result.output).not.toContain('was loaded');
      expect(result.output).toContain('loaded');
      expect(result.status).toBe(0);
    },
    LOAD_TIMEOUT_MS,
  );

  it(
    'would notice PostgreSQL: with DATABASE_URL set, the store’s code is loaded',
    () => {
      const result = load(
        [server('storage/openStore.ts'), server('config.ts'), server('logger.ts')],
        `const [{ openConfiguredStore }, { loadConfig }, { createLogger }] = loaded;
         await openConfiguredStore(loadConfig({ ...process.env, DATABASE_URL: 'postgres://nobody@/nowhere?host=/nonexistent' }), createLogger('silent'));`,
      );
      expect(result.output).toContain('the PostgreSQL store was loaded');
      expect(result.status).not.toBe(0);
    },
    LOAD_TIMEOUT_MS,
  );

  it(
    'would notice: the bridge’s root entry, which holds the client, loads it',
    () => {
      const result = load(['@tandem/crdt-bridge']);
      expect(result.output).toContain('socket.io-client was loaded');
      expect(result.status).not.toBe(0);
    },
    LOAD_TIMEOUT_MS,
  );
});
