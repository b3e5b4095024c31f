/**
 * Chromium for the browser scenario, launched like the e2e suite launches it, and a check that
 * the built editor the Tandem server serves is up to date with its sources.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { hasProgram, pinSelf } from './proc.js';
import { REPO_DIR, note } from './util.js';

/** The built editor (vite build); the Tandem server serves it when STATIC_DIR points here. */
export const EDITOR_DIST = path.join(REPO_DIR, 'apps/editor/dist');

/** What the editor bundle is built from (vite resolves @tandem/crdt-bridge to its sources). */
const EDITOR_INPUTS = [
  'apps/editor/src',
  'apps/editor/public',
  'apps/editor/index.html',
  'apps/editor/vite.config.ts',
  'apps/editor/svelte.config.js',
  'apps/editor/package.json',
  'packages/crdt-bridge/src',
].map((p) => path.join(REPO_DIR, p));

/** Newest modification time (ms) of any file under `p`, tests excluded; 0 when it does not exist. */
function newestMtime(p: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return /\.test\.ts$/.test(p) ? 0 : stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

/** Whether apps/editor/dist is missing or older than a source it is built from. */
export function editorBuildStale(): boolean {
  const built = newestMtime(path.join(EDITOR_DIST, 'index.html'));
  return built === 0 || EDITOR_INPUTS.some((input) => newestMtime(input) > built);
}

/** Rebuilds the editor when it is stale (vite, a few seconds); throws with the build output when that fails. */
export function ensureEditorBuilt(): void {
  if (!editorBuildStale()) return;
  note('the built editor is missing or older than its sources: `npm run build -w @tandem/editor`');
  try {
    execFileSync('npm', ['run', 'build', '-w', '@tandem/editor', '--silent'], {
      cwd: REPO_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const output =
      String((err as { stdout?: Buffer }).stdout ?? '') + String((err as { stderr?: Buffer }).stderr ?? '');
    throw new Error(`building the editor failed (run \`npm run build\` at the repository root):\n${output}`);
  }
}

/** Debian's Chromium unless CHROMIUM_PATH says otherwise; undefined means Playwright's own build. */
export function chromiumExecutable(): string | undefined {
  const candidate = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  return fs.existsSync(candidate) ? candidate : undefined;
}

/** The same switches as e2e/playwright.config.ts: no sandbox in containers, nothing phoning home. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Launches headless Chromium. When the bench process is pinned to one CPU, the browser would
 * inherit that pin (and share the core with the load generator); a person's browser has the
 * whole machine, so the pin is lifted while Chromium starts and put back afterwards.
 */
export async function launchChromium(pinned: boolean): Promise<Browser> {
  const executablePath = chromiumExecutable();
  const unpin = pinned && hasProgram('taskset');
  if (unpin) {
    try {
      execFileSync('taskset', ['-a', '-p', '-c', `0-${os.cpus().length - 1}`, String(process.pid)], {
        stdio: 'ignore',
      });
    } catch {
      note('could not lift the CPU pin for Chromium; it shares CPU 1 with the load generator');
    }
  }
  try {
    return await chromium.launch({
      headless: true,
      ...(executablePath ? { executablePath } : {}),
      args: CHROMIUM_ARGS,
    });
  } finally {
    if (unpin && !pinSelf(1)) note('could not pin the load generator to CPU 1 again');
  }
}
