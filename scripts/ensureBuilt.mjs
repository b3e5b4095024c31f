// Builds whatever is missing or older than its sources (`npm start` and `npm run cluster` share it).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The compiled server. */
export const serverMain = path.join(root, 'apps/sync-server/dist/main.js');

/** Newest modification time (ms) of any file below `dir`, skipping build output and dependencies. */
function newest(dir) {
  let latest = 0;
  if (!fs.existsSync(dir)) return latest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
  }
  return latest;
}

function mtime(file) {
  return fs.existsSync(file) ? fs.statSync(file).mtimeMs : -1;
}

function run(label, args) {
  console.log(`tandem: ${label}…`);
  const result = spawnSync('npm', args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`tandem: ${label} failed (exit ${result.status}); see the output above.`);
    process.exit(result.status ?? 1);
  }
}

/** Builds the sync server and the editor where their output is older than their sources. */
export function ensureBuilt() {
  const bridge = newest(path.join(root, 'packages/crdt-bridge'));
  if (mtime(serverMain) < Math.max(bridge, newest(path.join(root, 'apps/sync-server')))) {
    run('building the sync server', ['run', 'build', '-w', '@tandem/crdt-bridge', '-w', '@tandem/sync-server']);
  }
  const editorOut = path.join(root, 'apps/editor/dist/index.html');
  if (mtime(editorOut) < Math.max(bridge, newest(path.join(root, 'apps/editor')))) {
    run('building the editor', ['run', 'build', '-w', '@tandem/editor']);
  }
}
