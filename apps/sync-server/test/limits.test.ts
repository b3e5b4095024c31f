import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ErrorCode,
  PROTOCOL_VERSION,
  encodeStep1,
  type AckResult,
  type DocError,
  type DocSession,
} from '@tandem/crdt-bridge';
import { stateFingerprint } from '@tandem/crdt-bridge/testing';
import * as Y from 'yjs';
import { createGate, InstrumentedStore } from './stores.js';
import { readCommitted, startTestServer, tempDataDir, text, waitFor, type TestServer } from './helpers.js';
import { TcpProxy } from './tcpProxy.js';

let ts: TestServer | null = null;
let proxy: TcpProxy | null = null;
afterEach(async () => {
  proxy?.thaw();
  await proxy?.close();
  proxy = null;
  await ts?.stop({ wipe: true });
  ts = null;
});

async function joinRaw(socket: Socket, docId: string): Promise<AckResult> {
  return (await socket.timeout(5_000).emitWithAck('join', { docId, protocol: PROTOCOL_VERSION })) as AckResult;
}

/** Resolves with the reason once the socket disconnects, or with "still connected" after `timeoutMs`. */
function disconnection(socket: Socket, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('still connected'), timeoutMs);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Two good clients editing `docId`, synced, with a first edit saved on both. */
async function twoUsers(server: TestServer, docId: string): Promise<[DocSession, DocSession]> {
  const a = server.client().open(docId);
  const b = server.client().open(docId);
  await Promise.all([a.whenSynced(), b.whenSynced()]);
  a.doc.getText('t').insert(0, 'before ');
  await a.whenSaved();
  await waitFor(() => text(b) === 'before ', 'b has the first edit');
  return [a, b];
}

/** The good clients go on editing with each other, saved and converged. */
async function stillWorking(a: DocSession, b: DocSession, word: string): Promise<void> {
  a.doc.getText('t').insert(a.doc.getText('t').length, word);
  await waitFor(() => text(b).endsWith(word), `b sees "${word}"`);
  await a.whenSaved();
  expect(a.status.connection).toBe('synced');
  expect(b.status.connection).toBe('synced');
}

describe('a connection that floods the server with messages', () => {
  it('is told it is over the limit and closed; everyone else carries on', async () => {
    ts = await startTestServer({ rateLimitPerSecond: 20, rateLimitBurst: 100 });
    const [a, b] = await twoUsers(ts, 'flood');
    const flooder = ts.rawSocket();
    expect(await joinRaw(flooder, 'flood')).toMatchObject({ ok: true });
    const errors: DocError[] = [];
    flooder.on('doc-error', (error: DocError) => errors.push(error));
    const closed = disconnection(flooder);
    let answered = 0;
    const step1 = encodeStep1(new Y.Doc());
    for (let i = 0; i < 1_000; i++) flooder.emit('sync', 'flood', step1, () => answered++);

    // The server's transport close reads as a dropped connection (a real client reconnects by itself).
    expect(await closed).toBe('transport close');
    expect(errors).toEqual([expect.objectContaining({ code: ErrorCode.RateLimited })]);
    expect(errors[0]!.message).toMatch(/too many messages/i);
    // The burst was served, the rest refused unread (a little slack for the refill while sending).
    expect(answered).toBeGreaterThanOrEqual(99);
    expect(answered).toBeLessThan(130);
    await waitFor(() => ts!.server.io.sockets.sockets.size === 2, 'the server forgets the flooder');
    expect(ts.server.registry.get('flood')?.members.size).toBe(2);
    await stillWorking(a, b, 'after');
  });

  it('leaves a connection alone that stays within the burst and the sustained rate', async () => {
    ts = await startTestServer({ rateLimitPerSecond: 200, rateLimitBurst: 100 });
    const socket = ts.rawSocket();
    expect(await joinRaw(socket, 'calm')).toMatchObject({ ok: true });
    const errors: DocError[] = [];
    socket.on('doc-error', (error: DocError) => errors.push(error));
    const step1 = encodeStep1(new Y.Doc());
    // A burst just under the bucket, then a steady ~100 a second for a quarter of a second.
    const acks: Promise<unknown>[] = [];
    for (let i = 0; i < 95; i++) acks.push(socket.timeout(5_000).emitWithAck('sync', 'calm', step1));
    await Promise.all(acks);
    for (let i = 0; i < 25; i++) {
      await socket.timeout(5_000).emitWithAck('sync', 'calm', step1);
      await sleep(10);
    }
    expect(errors).toEqual([]);
    expect(socket.connected).toBe(true);
  });

  it('by default lets a client send a burst of hundreds of edits (a paste, a reconnect with many documents)', async () => {
    ts = await startTestServer();
    const [a, b] = await twoUsers(ts, 'busy');
    for (let i = 0; i < 600; i++) a.doc.getText('t').insert(0, 'x');
    await a.whenSaved();
    await waitFor(() => text(b) === text(a), 'b has every edit');
    expect(a.status.error).toBeNull();
    expect(ts.server.registry.get('busy')?.members.size).toBe(2);
  });
});

describe('a client that does not read (slow reader)', () => {
  it('is dropped before the server buffers more than the limit for it; it re-syncs when it is back', async () => {
    const limit = 256 * 1024;
    // Heartbeats far off, so only the outgoing-queue bound can drop the frozen reader in time.
    ts = await startTestServer({ maxOutgoingBytes: limit, pingIntervalMs: 60_000, pingTimeoutMs: 60_000 });
    proxy = await TcpProxy.start(ts.port);
    const readerClient = ts.client({ url: proxy.url });
    const reader = readerClient.open('slow');
    const [writer, other] = await twoUsers(ts, 'slow');
    await reader.whenSynced();
    const readerSocket = ts.server.io.sockets.sockets.get(readerClient.socket.id!);
    expect(readerSocket).toBeDefined();
    const otherBefore = ts.server.registry.get('slow')!.members.size;
    expect(otherBefore).toBe(3);

    // What the server holds for the reader, waiting to be sent, at its largest.
    const conn = readerSocket!.conn as unknown as {
      writeBuffer: { data?: unknown }[];
      on(event: 'packetCreate', listener: () => void): void;
    };
    let mostQueued = 0;
    conn.on('packetCreate', () => {
      let bytes = 0;
      for (const packet of conn.writeBuffer)
        bytes += typeof packet.data === 'string' ? packet.data.length : ((packet.data as Uint8Array)?.byteLength ?? 0);
      mostQueued = Math.max(mostQueued, bytes);
    });

    // The reader's network stops delivering; a writer then sends far more than any buffer holds.
    proxy.freeze();
    const chunk = 'x'.repeat(64 * 1024);
    let sent = 0;
    const giveUp = Date.now() + 15_000;
    while (readerSocket!.connected && sent < 40 * 1024 * 1024 && Date.now() < giveUp) {
      const t = writer.doc.getText('t');
      t.insert(t.length, chunk);
      sent += chunk.length;
      await sleep(1);
    }
    expect(readerSocket!.connected, 'the server dropped the reader').toBe(false);
    // Bounded: at most the limit beyond one message (plus the packets' own bookkeeping).
    expect(mostQueued).toBeLessThan(limit + 2 * chunk.length);
    await waitFor(() => ts!.server.registry.get('slow')!.members.size === 2, 'the reader left the room');

    // Everyone else was unaffected: the writer's edits are stored and reached the other reader.
    await writer.whenSaved();
    await waitFor(() => text(other) === text(writer), 'the other reader has everything');
    expect(readCommitted(ts.dataDir, 'slow').getText('t').length).toBe(text(writer).length);

    // The network returns: the reader reconnects and catches up with everything.
    proxy.thaw();
    await waitFor(
      () => reader.status.connection === 'synced' && stateFingerprint(reader.doc) === stateFingerprint(writer.doc),
      'the reader is back and has everything',
      20_000,
    );
  }, 40_000);
});

describe('a connection that joins no document', () => {
  it('is closed after the join deadline with a clear error; one that joined stays', async () => {
    ts = await startTestServer({ joinTimeoutMs: 200 });
    const idle = ts.rawSocket();
    const errors: DocError[] = [];
    idle.on('doc-error', (error: DocError) => errors.push(error));
    const closed = disconnection(idle);
    const member = ts.rawSocket();
    expect(await joinRaw(member, 'deadline')).toMatchObject({ ok: true });
    const started = Date.now();

    expect(await closed).toBe('transport close');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(errors).toEqual([expect.objectContaining({ code: ErrorCode.JoinTimeout })]);
    await sleep(300);
    expect(member.connected).toBe(true);
    expect(await member.timeout(2_000).emitWithAck('probe')).toMatchObject({ ok: true });
  });

  it('is not closed while its first join is still loading the document', async () => {
    const dataDir = tempDataDir();
    const store = InstrumentedStore.inDir(dataDir);
    const gate = createGate();
    store.gates.load = gate;
    ts = await startTestServer({ joinTimeoutMs: 150 }, { store, dataDir });
    const socket = ts.rawSocket();
    const joined = joinRaw(socket, 'slow-load');
    await sleep(400);
    expect(socket.connected).toBe(true);
    gate.open();
    expect(await joined).toMatchObject({ ok: true });
    await sleep(250);
    expect(socket.connected).toBe(true);
  });

  it('is left closed by a client with nothing open, which reconnects when it opens a document', async () => {
    ts = await startTestServer({ joinTimeoutMs: 150 });
    const client = ts.client();
    await waitFor(() => client.socket.connected, 'the client connects');
    await waitFor(() => !client.socket.connected, 'the server closes the idle connection');
    await sleep(300);
    // No reconnect loop: the client waits until it has something to open.
    expect(client.socket.active).toBe(false);
    const session = client.open('later');
    await session.whenSynced();
    session.doc.getText('t').insert(0, 'hello');
    await session.whenSaved();
    expect(readCommitted(ts.dataDir, 'later').getText('t').toString()).toBe('hello');
  });
});
