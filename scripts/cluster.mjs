#!/usr/bin/env node
// `npm run cluster`: try several Tandem nodes on one machine. Starts a private PostgreSQL (Debian's
// binaries, its own user, a unix socket in a temp directory), three nodes as separate processes, and a
// round-robin TCP front on PORT (default 3000). Ctrl-C stops everything it started. Its data is thrown
// away with it: this is for trying the cluster, not for running one (see docs/scale-out.md).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureBuilt, root, serverMain } from './ensureBuilt.mjs';

const NODES = 3;
const port = Number(process.env.PORT || 3000);

ensureBuilt();
const { startPrivatePostgres } = await import(path.join(root, 'apps/sync-server/dist/cli/privatePostgres.js'));

console.log('tandem cluster: starting a private PostgreSQL…');
const postgres = await startPrivatePostgres({});
const databaseUrl = await postgres.createDatabase('tandem');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-cluster-'));
const secret = randomBytes(32).toString('hex');
const nodes = Array.from({ length: NODES }, (_, i) => {
  const nodePort = port + 1 + i;
  const id = `node-${i + 1}`;
  const child = spawn(process.execPath, [serverMain], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      PORT: String(nodePort),
      HOST: '127.0.0.1',
      NODE_ID: id,
      NODE_ADDRESS: `http://127.0.0.1:${nodePort}`,
      CLUSTER_SECRET: secret,
      DATABASE_URL: databaseUrl,
      DATA_DIR: path.join(work, id),
      // The front's address is the one people use: their pages and sockets carry it.
      PUBLIC_URL: process.env.PUBLIC_URL || `http://localhost:${port}`,
    },
  });
  child.on('exit', (code, signal) => {
    if (!stopping)
      console.error(`tandem cluster: ${id} exited (${signal ?? code}); the others take its documents over`);
  });
  return { id, port: nodePort, child };
});

// The front: each TCP connection (a WebSocket, or a keep-alive HTTP connection) goes to the next node
// that accepts it. Any node serves any document, so nothing needs to be sticky over WebSocket.
let next = 0;
const front = net.createServer((incoming) => {
  const tryNode = (attempt) => {
    if (attempt >= NODES) return incoming.destroy();
    const node = nodes[next++ % NODES];
    const outgoing = net.connect(node.port, '127.0.0.1');
    outgoing.once('connect', () => {
      incoming.pipe(outgoing).pipe(incoming);
      outgoing.on('error', () => incoming.destroy());
      incoming.on('error', () => outgoing.destroy());
    });
    outgoing.once('error', () => tryNode(attempt + 1));
  };
  tryNode(0);
});
front.listen(port, () => {
  console.log(
    `tandem cluster: ${NODES} nodes (ports ${port + 1}–${port + NODES}) behind http://localhost:${port}. ` +
      'Open a document in two tabs, kill a node, and keep typing. Ctrl-C stops everything.',
  );
  for (const node of nodes) console.log(`  ${node.id}: http://127.0.0.1:${node.port}, process ${node.child.pid}`);
});

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  console.log('tandem cluster: stopping…');
  front.close();
  await Promise.all(
    nodes.map(
      ({ child }) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
    ),
  );
  await postgres.stop();
  fs.rmSync(work, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
