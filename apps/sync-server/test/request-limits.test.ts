import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { ErrorCode, WIRE_PARSER } from '@tandem/crdt-bridge';
import { startTestServer, text, waitFor, type TestServer } from './helpers.js';
import { RawRequest } from './rawHttp.js';
import { SLOW_UPLOADER } from './slowUploads.js';

let ts: TestServer | null = null;
const raws: RawRequest[] = [];
const children: { kill(): void }[] = [];
afterEach(async () => {
  for (const raw of raws.splice(0)) raw.destroy();
  for (const child of children.splice(0)) child.kill();
  await ts?.stop({ wipe: true });
  ts = null;
});

function stall(server: TestServer, length: number, sent: Buffer | string = 'x'): RawRequest {
  const raw = RawRequest.start(server.port, 'POST', '/api/docs/import', length, sent);
  raws.push(raw);
  return raw;
}

/** Someone typing in a document: resolves once an edit made now reached the other person. */
async function roundTrip(server: TestServer, docId: string): Promise<void> {
  const writer = server.client().open(docId);
  const reader = server.client().open(docId);
  await Promise.all([writer.whenSynced(), reader.whenSynced()]);
  const word = `word-${Math.random()}`;
  writer.doc.getText('t').insert(0, word);
  await waitFor(() => text(reader).startsWith(word), 'the other person sees the edit');
  await writer.whenSaved();
}

async function healthy(server: TestServer): Promise<boolean> {
  return (await fetch(`${server.url}/healthz`)).status === 200;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('request bodies', () => {
  it('are received only so many at once: more are refused unread with 503 and Retry-After', async () => {
    ts = await startTestServer({ maxConcurrentBodies: 2, bodyTimeoutMs: 60_000 });
    const server = ts;
    stall(server, 100_000);
    stall(server, 100_000);
    // Both stalled bodies hold their slots once the server has their headers; then a third is refused.
    let refused: Awaited<RawRequest['response']> = null;
    for (let i = 0; i < 100 && refused === null; i++) {
      const third = stall(server, 50_000, 'y'.repeat(1_000));
      const response = await third.response;
      if (response?.status === 503) refused = response;
      else await sleep(50);
    }
    expect(refused).toMatchObject({
      status: 503,
      headers: { 'retry-after': '5', connection: 'close' },
    });
    expect(JSON.parse(refused!.body)).toEqual({
      error: {
        code: 'SERVER_BUSY',
        message: 'The server is receiving too many uploads right now. Try again in a few seconds.',
      },
    });
    // Requests without a body, and editing over the socket, go on.
    expect(await healthy(server)).toBe(true);
    await roundTrip(server, 'typing');
  });

  it('that arrive too slowly are answered 408 and their connection closed; the slot is free again', async () => {
    ts = await startTestServer({ maxConcurrentBodies: 1, bodyTimeoutMs: 700 });
    const server = ts;
    const slow = stall(server, 10_000, '# A start');
    const response = await slow.response;
    expect(response).toMatchObject({ status: 408, headers: { connection: 'close' } });
    expect(JSON.parse(response!.body)).toEqual({
      error: {
        code: 'BODY_TIMEOUT',
        message: 'The upload did not arrive within 1 second. Check the connection and try again.',
      },
    });
    await slow.closed;
    // Nothing of it was imported, and the next upload is received.
    const docs = (await (await fetch(`${server.url}/api/docs`)).json()) as { documents: unknown[] };
    expect(docs.documents).toEqual([]);
    const ok = await fetch(`${server.url}/api/docs/import`, { method: 'POST', body: '# Quick' });
    expect(ok.status).toBe(201);
  });

  it('announced as larger than the route takes are refused before any of it is read', async () => {
    ts = await startTestServer();
    const huge = stall(ts, 50 * 1024 * 1024, 'z');
    const response = await huge.response;
    expect(response?.status).toBe(413);
    expect(JSON.parse(response!.body)).toEqual({
      error: { code: 'PAYLOAD_TOO_LARGE', message: 'Request bodies are limited to 2097152 bytes.' },
    });
  });

  it('of 400 stalled 1.9 MB uploads do not hold hundreds of MB, and keystrokes keep arriving', async () => {
    // The documents-per-hour quota would refuse most of these imports before their bodies are read; here it is the body cap that must hold.
    ts = await startTestServer({ bodyTimeoutMs: 15_000, docsPerHour: 1_000_000, docsBurst: 1_000_000 });
    const server = ts;
    const writer = server.client().open('meanwhile');
    const reader = server.client().open('meanwhile');
    await Promise.all([writer.whenSynced(), reader.whenSynced()]);
    const before = process.memoryUsage();
    let peak = 0;
    const sample = setInterval(() => {
      const now = process.memoryUsage();
      // Bodies are read into Buffers: array buffers outside the JS heap.
      peak = Math.max(peak, now.arrayBuffers - before.arrayBuffers);
    }, 50);
    try {
      // The uploaders are another process, as they would be: each announces 2 MB, sends 1.9 MB, stalls.
      const uploader = spawn(
        process.execPath,
        ['--input-type=module', '-e', SLOW_UPLOADER, String(server.port), '400', '3000', '0'],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      children.push(uploader);
      const report = new Promise<string>((resolve) => {
        let out = '';
        uploader.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
        uploader.once('exit', () => resolve(out));
      });
      // Meanwhile someone types, a keystroke every 20 ms; each must reach the other person.
      const until = Date.now() + 4_000;
      let keystrokes = 0;
      while (Date.now() < until) {
        const length = text(reader).length;
        writer.doc.getText('t').insert(0, 'k');
        await waitFor(() => text(reader).length > length, 'the keystroke arrives');
        keystrokes++;
        await sleep(20);
      }
      expect(await healthy(server)).toBe(true);
      await writer.whenSaved();
      expect(text(reader)).toBe('k'.repeat(keystrokes));
      // All but the 32 bodies being received were refused at once (a reset can overtake the 503).
      const statuses = JSON.parse(await report) as Record<string, number>;
      expect(statuses).toMatchObject({ 503: expect.any(Number) });
      expect((statuses['503'] ?? 0) + (statuses.reset ?? 0)).toBeGreaterThanOrEqual(400 - 32);
    } finally {
      clearInterval(sample);
    }
    // Unbounded, this would be about 760 MB; the default cap of 32 bodies holds about 61 MB.
    expect(peak).toBeLessThan(200 * 1024 * 1024);
  }, 60_000);
});

describe('request headers', () => {
  it('that never finish arriving get the connection closed after the headers timeout', async () => {
    ts = await startTestServer({ headersTimeoutMs: 500 });
    const raw = new RawRequest(ts.port, 'POST /api/docs HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    raws.push(raw);
    const outcome = await Promise.race([raw.closed.then(() => 'closed'), sleep(8_000).then(() => 'still open')]);
    expect(outcome).toBe('closed');
  });
});

describe('connections', () => {
  it('beyond MAX_CONNECTIONS are refused in the handshake with SERVER_BUSY, in words, and closed', async () => {
    ts = await startTestServer({ maxConnections: 2 });
    const server = ts;
    const a = server.client().open('full');
    const b = server.client().open('full');
    await Promise.all([a.whenSynced(), b.whenSynced()]);

    const extra = connect(server.url, {
      transports: ['websocket'],
      parser: WIRE_PARSER,
      forceNew: true,
      reconnection: false,
    });
    const refusal = await new Promise<Error & { data?: { code?: string } }>((resolve) =>
      extra.once('connect_error', resolve),
    );
    expect(refusal.data?.code).toBe(ErrorCode.ServerBusy);
    expect(refusal.message).toBe(
      'The server has as many connections as it can take right now. Tandem will try again shortly.',
    );
    await waitFor(() => server.server.io.engine.clientsCount === 2, 'the refused connection is closed by the server');
    extra.close();

    // Those already in carry on.
    a.doc.getText('t').insert(0, 'still here');
    await waitFor(() => text(b) === 'still here', 'b sees a');
    await a.whenSaved();
  });

  it('refused as busy are retried by the client, which gets in once there is room', async () => {
    ts = await startTestServer({ maxConnections: 1 });
    const first = ts.client();
    await first.open('room').whenSynced();
    const second = ts.client().open('room');
    await waitFor(
      () => second.status.error?.code === ErrorCode.ServerBusy,
      'the second client is told the server is busy',
    );
    expect(second.status.error?.message).toMatch(/as many connections as it can take/);
    first.destroy();
    await second.whenSynced();
    expect(second.status.error).toBeNull();
  });
});
