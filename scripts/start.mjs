#!/usr/bin/env node
// `npm start`: build whatever is missing or older than its sources, then run the server in the foreground.
import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

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

const bridge = newest(path.join(root, 'packages/crdt-bridge'));
const serverOut = path.join(root, 'apps/sync-server/dist/main.js');
if (mtime(serverOut) < Math.max(bridge, newest(path.join(root, 'apps/sync-server')))) {
  run('building the sync server', ['run', 'build', '-w', '@tandem/crdt-bridge', '-w', '@tandem/sync-server']);
}
const editorOut = path.join(root, 'apps/editor/dist/index.html');
if (mtime(editorOut) < Math.max(bridge, newest(path.join(root, 'apps/editor')))) {
  run('building the editor', ['run', 'build', '-w', '@tandem/editor']);
}

const server = spawn(process.execPath, [serverOut], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
