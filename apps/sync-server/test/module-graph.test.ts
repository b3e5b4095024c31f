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
 * A module resolution hook that refuses socket.io-client: a module graph that reaches it
 * fails to load, naming the module that asked for it. It runs ahead of tsx's hooks, and
 * sees what they resolve to.
 */
const GUARD = `
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (/[\\\\/]node_modules[\\\\/]socket\\.io-client[\\\\/]/.test(result.url))
    throw new Error('socket.io-client was loaded, asked for by ' + context.parentURL);
  return result;
}
`;

/**
 * Loads `modules` in a fresh Node process as the tests run the server: from TypeScript
 * sources through tsx, with workspace packages resolved to their sources (`source`
 * condition), and socket.io-client refused. Returns how the process ended.
 */
function load(modules: string[]): { status: number | null; output: string } {
  const guard = path.join(dir, 'guard.mjs');
  const register = path.join(dir, 'register.mjs');
  fs.writeFileSync(guard, GUARD);
  fs.writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(guard).href)});\n`,
  );
  const script =
    `for (const m of ${JSON.stringify(modules)}) await import(m);\n` +
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
    'would notice: the bridge’s root entry, which holds the client, loads it',
    () => {
      const result = load(['@tandem/crdt-bridge']);
      expect(result.output).toContain('socket.io-client was loaded');
      expect(result.status).not.toBe(0);
    },
    LOAD_TIMEOUT_MS,
  );
});
