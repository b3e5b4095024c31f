import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { storedTitle } from '@tandem/crdt-bridge/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageHealth } from '../src/storage/StorageHealth.js';
import { WriteQueue } from '../src/storage/WriteQueue.js';
import { createGate, InstrumentedStore } from './stores.js';
import {
  accepted,
  readCommitted,
  sqliteOf,
  startTestServer,
  tempDataDir,
  waitFor,
  type TestServer,
} from './helpers.js';

let ts: TestServer | undefined;
let store: InstrumentedStore | undefined;

afterEach(async () => {
  // A server cannot shut down cleanly while its storage fails: it waits to store what it holds.
  if (store) store.failAppends = null;
  await ts?.stop({ wipe: true });
  ts = undefined;
  store = undefined;
});

async function startWithFlakyStorage(overrides: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const dataDir = tempDataDir();
  store = InstrumentedStore.inDir(dataDir);
  ts = await startTestServer(overrides, { store, dataDir });
  return ts;
}

async function health(server: TestServer): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server.url}/healthz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function api(
  server: TestServer,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; retryAfter: string | null; error?: { code: string; message: string } }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const parsed = text ? (JSON.parse(text) as { error?: { code: string; message: string } }) : {};
  return { status: res.status, retryAfter: res.headers.get('retry-after'), ...parsed };
}

describe('/healthz tells the truth about storage', () => {
  it('is ok, with the free disk space, when storage is well', async () => {
    const server = await startWithFlakyStorage();
    const { status, body } = await health(server);
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.freeDiskBytes).toBeGreaterThan(0);
  });

  it('answers 503 with the reason while commits fail, and ok again once they succeed', async () => {
    const server = await startWithFlakyStorage();
    const session = server.client().open('h');
    await session.whenSynced();
    store!.failAppends = new Error('SQLITE_IOERR_WRITE: disk I/O error');
    session.doc.getText('t').insert(0, 'held');
    await waitFor(() => store!.failedAppends >= 1, 'a commit fails');
    const failing = await health(server);
    expect(failing.status).toBe(503);
    expect(failing.body).toMatchObject({ status: 'unavailable' });
    expect(failing.body.reason).toBe('commits are failing: the disk reported an input/output error');

    store!.failAppends = null;
    await session.whenSaved();
    expect((await health(server)).status).toBe(200);
  });

  it('answers 503 when the disk holding DATA_DIR has less free space than MIN_FREE_DISK_BYTES', async () => {
    // Asking for more free space than any disk has is the real check against a disk that is "full".
    const server = await startWithFlakyStorage({ minFreeDiskBytes: Number.MAX_SAFE_INTEGER });
    const { status, body } = await health(server);
    expect(status).toBe(503);
    expect(body.reason).toMatch(
      /^the disk holding DATA_DIR is nearly full: [\d.]+ MiB free, less than MIN_FREE_DISK_BYTES/,
    );
  });

  it('answers 503 when the database does not answer', async () => {
    const server = await startWithFlakyStorage();
    sqliteOf(server.server).db.close();
    const { status, body } = await health(server);
    expect(status).toBe(503);
    expect(body.reason).toMatch(/^the database does not answer/);
  });

  it('reports a commit stuck waiting for the disk', async () => {
    const dataDir = tempDataDir();
    const stuck = InstrumentedStore.inDir(dataDir);
    const log = pino({ level: 'silent' });
    const writes = new WriteQueue(stuck, log);
    const checker = new StorageHealth(stuck, writes, { dataDir, minFreeDiskBytes: 0, commitStallMs: 1_000 });
    const gate = createGate();
    stuck.gates.append = gate;
    await stuck.ensure('d', Date.now());
    writes.enqueue('d', new Uint8Array([0, 0]));
    await waitFor(() => writes.commitInFlightSince !== null, 'the commit starts');
    const startedAt = writes.commitInFlightSince!;
    expect((await checker.check(startedAt + 500)).problems).toEqual([]);
    expect((await checker.check(startedAt + 12_000)).problems).toEqual([
      'a commit has been waiting for the disk for 12 s',
    ]);
    gate.open();
    await writes.durable();
    expect(writes.commitInFlightSince).toBeNull();
    await stuck.close();
  });
});

describe('HTTP writes while storage fails', () => {
  it('are refused with 503 STORAGE_UNAVAILABLE, Retry-After and a sentence, and change nothing', async () => {
    const server = await startWithFlakyStorage();
    const session = server.client().open('kept');
    await session.whenSynced();
    session.doc.getText('t').insert(0, 'saved');
    await session.whenSaved();
    const version = accepted(await server.server.history.nameCurrent('kept', 'v1'));
    store!.failAppends = new Error('SQLITE_FULL: database or disk is full');
    session.doc.getText('t').insert(0, 'unsaved ');
    await waitFor(() => server.server.writes.isFailing, 'commits fail');

    for (const [method, path, body] of [
      ['POST', '/api/docs', { id: 'new-one' }],
      ['PATCH', '/api/docs/kept', { title: 'Renamed' }],
      ['DELETE', '/api/docs/kept', undefined],
      ['POST', '/api/docs/kept/versions', { name: 'v2' }],
      ['POST', `/api/docs/kept/versions/${version.id}/restore`, {}],
      ['POST', '/api/docs/import', { markdown: '# Hello' }],
    ] as const) {
      const res = await api(server, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(503);
      expect(res.retryAfter).toBe('30');
      expect(res.error).toEqual({
        code: 'STORAGE_UNAVAILABLE',
        message:
          'The server cannot save right now: the disk is full. Nothing was changed; try again in a little while.',
      });
    }
    // Reading goes on.
    expect((await api(server, 'GET', '/api/docs')).status).toBe(200);
    expect((await server.server.store.listPage({ limit: 200, access: { all: true } })).map((d) => d.id)).toEqual([
      'kept',
    ]);
    expect(accepted(await server.server.history.list('kept')).versions).toHaveLength(1);
    expect(server.server.registry.get('kept')!.content().getText('t').toString()).toBe('unsaved saved');
  });

  it('answers 503 when a commit fails while the request waits for it, and keeps the change for later', async () => {
    const server = await startWithFlakyStorage();
    const session = server.client().open('renamed');
    await session.whenSynced();
    await session.whenSaved();
    // Storage breaks just as the rename is made: the check before it passes, its commit fails.
    store!.failAppends = new Error('SQLITE_IOERR: disk I/O error');
    const res = await api(server, 'PATCH', '/api/docs/renamed', { title: 'New title' });
    expect(res.status).toBe(503);
    expect(res.error?.message).toBe(
      'The server cannot save right now: the disk reported an input/output error. ' +
        'The change is kept in memory and will be saved when storage recovers.',
    );
    store!.failAppends = null;
    await server.server.writes.durable();
    expect(storedTitle(readCommitted(server.dataDir, 'renamed'))).toBe('New title');
  });

  it('answers 503 for a real SQLITE_FULL from the database, not a generic 500', async () => {
    ts = await startTestServer();
    const session = ts.client().open('big');
    await session.whenSynced();
    // Random text: versions are stored deflated, and this one must need new pages all the same.
    session.doc.getText('t').insert(0, randomBytes(150_000).toString('base64'));
    await session.whenSaved();
    // SQLite's own limit on the file's size: the next page it needs fails with SQLITE_FULL.
    const db = sqliteOf(ts.server).db;
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    const res = await api(ts, 'POST', '/api/docs/big/versions', { name: 'no room' });
    expect(res.status).toBe(503);
    expect(res.error).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    expect(res.error?.message).toMatch(/^The server cannot save right now: the disk is full\. Try again/);
  });
});
