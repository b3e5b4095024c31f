import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { PROTOCOL_VERSION, WIRE_PARSER, type AckResult } from '@tandem/crdt-bridge';
import { startTestServer, type TestServer } from './helpers.js';

let ts: TestServer;
afterEach(async () => ts?.stop({ wipe: true }));

/** Whether a browser-like socket from `origin` gets through the handshake. */
function connectsFrom(origin: string): Promise<boolean> {
  const socket = connect(ts.url, {
    transports: ['websocket'],
    parser: WIRE_PARSER,
    forceNew: true,
    reconnection: false,
    extraHeaders: { origin },
  });
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.close();
      resolve(true);
    });
    socket.once('connect_error', () => {
      socket.close();
      resolve(false);
    });
  });
}

describe('boundaries a browser or a client cannot cross', () => {
  it('accepts sockets from its own origin or an allowed one, and refuses any other', async () => {
    ts = await startTestServer({ allowedOrigins: ['http://dev.example:5173'] });
    expect(await connectsFrom(`http://127.0.0.1:${ts.port}`)).toBe(true);
    expect(await connectsFrom('http://dev.example:5173')).toBe(true);
    expect(await connectsFrom('https://evil.example')).toBe(false);
  });

  it('sends security headers on HTTP responses', async () => {
    ts = await startTestServer();
    const res = await fetch(`${ts.url}/api/docs`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
  });

  it('caps how many documents one connection may have open', async () => {
    ts = await startTestServer({ maxDocsPerConnection: 3 });
    const socket = connect(ts.url, { transports: ['websocket'], parser: WIRE_PARSER, forceNew: true });
    const join = (docId: string) =>
      new Promise<AckResult>((resolve) => socket.emit('join', { docId, protocol: PROTOCOL_VERSION }, resolve));
    for (const id of ['d1', 'd2', 'd3']) expect((await join(id)).ok).toBe(true);
    expect(await join('d4')).toMatchObject({ ok: false, error: { code: 'TOO_MANY_DOCUMENTS' } });
    socket.emit('leave', 'd1');
    expect((await join('d4')).ok).toBe(true);
    socket.close();
  });

  it('refuses to start on a corrupt database, with a message and exit code 74, leaving the file alone', async () => {
    const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/main.js');
    expect(fs.existsSync(main), 'build the server first (npm run build)').toBe(true);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-corrupt-'));
    const file = path.join(dataDir, 'tandem.db');
    const garbage = Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(8192, 0x5a)]);
    fs.writeFileSync(file, garbage);
    const child = spawn(process.execPath, [main], {
      env: { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'fatal', STATIC_DIR: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(74);
    expect(stderr).toMatch(/cannot open the database/);
    expect(fs.readFileSync(file).equals(garbage)).toBe(true);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
