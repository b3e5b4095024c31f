#!/usr/bin/env node
// `npm start`: build whatever is missing or older than its sources, then run the server in the foreground.
import { spawn } from 'node:child_process';
import { ensureBuilt, root, serverMain } from './ensureBuilt.mjs';

ensureBuilt();
const server = spawn(process.execPath, [serverMain], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
