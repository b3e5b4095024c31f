import type { Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  ErrorCode,
  PROTOCOL_VERSION,
  decodeSyncMessage,
  encodeStep1,
  encodeUpdate,
  type AckResult,
  type DocError,
  type DocSession,
} from '@tandem/crdt-bridge';
import { nextEvent, sqliteOf, startTestServer, text, updateRows, waitFor, type TestServer } from './helpers.js';

const DOC = 'shared';

/** Everything a hostile client could disturb, and the witnesses that would notice. */
interface World {
  ts: TestServer;
  /** Two well-behaved users of the shared document. */
  a: DocSession;
  b: DocSession;
  /** A raw, well-behaved member of the room that records what the server broadcasts. */
  watcher: Socket;
  watcherSyncs: Uint8Array[];
  /** Errors anyone but the hostile client received. */
  bystanderErrors: DocError[];
  /** The hostile client, joined to the shared document. */
  hostile: Socket;
}

let world: World;

async function joinRaw(socket: Socket, docId: string): Promise<AckResult> {
  return (await socket.timeout(5_000).emitWithAck('join', { docId, protocol: PROTOCOL_VERSION })) as AckResult;
}

async function createWorld(overrides: Parameters<typeof startTestServer>[0] = {}): Promise<World> {
  const ts = await startTestServer(overrides);
  const a = ts.client().open(DOC);
  const b = ts.client().open(DOC);
  await Promise.all([a.whenSynced(), b.whenSynced()]);
  a.doc.getText('t').insert(0, 'before ');
  await a.whenSaved();
  await waitFor(() => text(b) === 'before ', 'b has the first edit');

  const bystanderErrors: DocError[] = [];
  const watcher = ts.rawSocket();
  const watcherSyncs: Uint8Array[] = [];
  expect(await joinRaw(watcher, DOC)).toMatchObject({ ok: true });
  watcher.on('sync', (_docId: string, bytes: Uint8Array) => watcherSyncs.push(new Uint8Array(bytes)));
  watcher.on('doc-error', (error: DocError) => bystanderErrors.push(error));
  for (const session of [a, b]) {
    session.on('status', (status) => {
      if (status.error) bystanderErrors.push(status.error);
    });
  }

  const hostile = ts.rawSocket();
  expect(await joinRaw(hostile, DOC)).toMatchObject({ ok: true });
  return { ts, a, b, watcher, watcherSyncs, bystanderErrors, hostile };
}

/** Sends a sync message the hostile way and returns the server's acknowledgement. */
async function hostileSync(...args: unknown[]): Promise<AckResult> {
  return (await world.hostile.timeout(5_000).emitWithAck('sync', ...args)) as AckResult;
}

/** Sends an event with no acknowledgement and returns the 'doc-error' it earns. */
async function hostileEmitExpectingError(event: string, ...args: unknown[]): Promise<DocError> {
  const error = nextEvent<DocError>(world.hostile, 'doc-error');
  world.hostile.emit(event, ...args);
  return error;
}

function expectRefusal(result: AckResult, code: ErrorCode, docId?: string): void {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error.code).toBe(code);
  expect(result.error.message.length).toBeGreaterThan(10);
  if (docId !== undefined) expect(result.error.docId).toBe(docId);
}

/**
 * After a hostile act the server has answered: nothing was stored or broadcast, no one
 * else heard of it, the server still serves everyone (the hostile client included),
 * and the shared document is exactly what the good clients wrote.
 */
async function expectHarmless(): Promise<void> {
  const { ts, a, b, watcher, watcherSyncs, bystanderErrors, hostile } = world;
  await ts.server.writes.durable();
  const store = sqliteOf(ts.server);
  const rowsBefore = updateRows(store);
  expect(updateRows(store, DOC)).toBe(1);
  expect(watcherSyncs).toHaveLength(0);
  expect(ts.server.registry.get(DOC)?.content().getText('t').toString()).toBe('before ');

  // Everyone goes on syncing: a good edit reaches b and the watcher, and is stored once.
  a.doc.getText('t').insert(7, 'after');
  await waitFor(() => text(b) === 'before after', 'b sees the next good edit');
  await waitFor(() => watcherSyncs.length === 1, 'the watcher sees the next good edit');
  const broadcast = decodeSyncMessage(watcherSyncs[0]!);
  expect(broadcast.type).toBe('update');
  await a.whenSaved();
  expect(updateRows(store)).toBe(rowsBefore + 1);
  expect(bystanderErrors).toEqual([]);
  expect(watcher.connected).toBe(true);

  // The hostile client is not punished beyond the refusal: it can still probe and sync.
  expect(hostile.connected).toBe(true);
  const step1 = encodeStep1(new Y.Doc());
  expect(await hostileSync(DOC, step1)).toMatchObject({ ok: true });
}

/** An update that builds on another update the server has never seen. */
function updateWithMissingDependency(): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, 'first');
  const before = Y.encodeStateVector(doc);
  doc.getText('t').insert(5, ' second');
  return Y.encodeStateAsUpdate(doc, before);
}

function validUpdate(content = 'hostile'): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, content);
  return Y.encodeStateAsUpdate(doc);
}

beforeEach(async () => {
  world = await createWorld();
});
afterEach(async () => world?.ts.stop({ wipe: true }));

describe('a sync message the server cannot use is refused, to its sender only', () => {
  it('refuses garbage bytes as a malformed message', async () => {
    expectRefusal(await hostileSync(DOC, new Uint8Array([0xff, 0xfe, 0xfd, 0x00, 0x42])), ErrorCode.MalformedUpdate);
    await expectHarmless();
  });

  it('refuses a well-framed update whose payload is garbage', async () => {
    const garbage = new Uint8Array(64).map((_, i) => (i * 37 + 11) % 256);
    expectRefusal(await hostileSync(DOC, encodeUpdate(garbage)), ErrorCode.MalformedUpdate, DOC);
    await expectHarmless();
  });

  it('refuses an update message cut short', async () => {
    const message = encodeUpdate(validUpdate());
    expectRefusal(await hostileSync(DOC, message.subarray(0, message.length - 3)), ErrorCode.MalformedUpdate, DOC);
    await expectHarmless();
  });

  it('refuses a complete message carrying a cut-short update', async () => {
    const update = validUpdate('a longer hostile insertion');
    for (const cut of [1, 5, 12]) {
      const result = await hostileSync(DOC, encodeUpdate(update.subarray(0, update.length - cut)));
      expectRefusal(result, ErrorCode.MalformedUpdate, DOC);
    }
    await expectHarmless();
  });

  it('refuses a message with trailing bytes', async () => {
    const message = encodeUpdate(validUpdate());
    const padded = new Uint8Array(message.length + 2);
    padded.set(message);
    expectRefusal(await hostileSync(DOC, padded), ErrorCode.MalformedUpdate, DOC);
    await expectHarmless();
  });

  it('refuses an unknown message type', async () => {
    expectRefusal(await hostileSync(DOC, new Uint8Array([7, 1, 0])), ErrorCode.MalformedUpdate, DOC);
    await expectHarmless();
  });

  it('refuses a Yjs V2-encoded update (the protocol carries V1)', async () => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'encoded as V2');
    doc.getMap('m').set('k', 'v');
    const result = await hostileSync(DOC, encodeUpdate(Y.encodeStateAsUpdateV2(doc)));
    expectRefusal(result, ErrorCode.MalformedUpdate, DOC);
    await expectHarmless();
  });

  it('refuses an update whose dependencies the server lacks, and asks its sender to re-sync', async () => {
    const resync = new Promise<{ docId: string; bytes: Uint8Array }>((resolve) =>
      world.hostile.once('sync', (docId: string, bytes: Uint8Array) =>
        resolve({ docId, bytes: new Uint8Array(bytes) }),
      ),
    );
    const result = await hostileSync(DOC, encodeUpdate(updateWithMissingDependency()));
    expectRefusal(result, ErrorCode.MissingDependencies, DOC);
    const { docId, bytes } = await resync;
    expect(docId).toBe(DOC);
    expect(decodeSyncMessage(bytes).type).toBe('step1');
    await expectHarmless();
  });
});

describe('arguments of the wrong shape are refused', () => {
  it.each([
    ['a string', 'not bytes'],
    ['a number', 42],
    ['an array of numbers', [2, 1, 0]],
    ['an object', { type: 'update', bytes: [1, 2] }],
    ['null', null],
  ])('refuses %s where sync bytes belong', async (_, payload) => {
    expectRefusal(await hostileSync(DOC, payload), ErrorCode.InvalidMessage, DOC);
    await expectHarmless();
  });

  it('refuses a join request that is not an object', async () => {
    for (const request of ['shared', 1, null, ['shared', 1]]) {
      const result = (await world.hostile.timeout(5_000).emitWithAck('join', request)) as AckResult;
      expectRefusal(result, ErrorCode.InvalidMessage);
    }
    await expectHarmless();
  });

  it('reports a refused sync through doc-error when the sender gave no acknowledgement callback', async () => {
    const error = await hostileEmitExpectingError('sync', DOC, new Uint8Array([0xff, 0xff]));
    expect(error.code).toBe(ErrorCode.MalformedUpdate);
    expect(error.docId).toBe(DOC);
    await expectHarmless();
  });

  it('reports a refused join through doc-error when the sender gave no acknowledgement callback', async () => {
    const error = await hostileEmitExpectingError('join', { docId: 'other', protocol: PROTOCOL_VERSION + 1 });
    expect(error.code).toBe(ErrorCode.ProtocolVersionMismatch);
    await expectHarmless();
  });

  it('treats an acknowledgement that is not a function as missing', async () => {
    const error = await hostileEmitExpectingError('sync', DOC, 'not bytes', 'not a callback');
    expect(error.code).toBe(ErrorCode.InvalidMessage);
    await expectHarmless();
  });

  it('refuses non-binary and garbage presence updates through doc-error', async () => {
    expect((await hostileEmitExpectingError('awareness', DOC, 'not bytes')).code).toBe(ErrorCode.InvalidMessage);
    expect((await hostileEmitExpectingError('awareness', DOC, new Uint8Array([9, 9, 9]))).code).toBe(
      ErrorCode.MalformedUpdate,
    );
    await expectHarmless();
  });

  it('survives events with no arguments at all, and events it does not know', async () => {
    world.hostile.emit('join');
    world.hostile.emit('sync');
    world.hostile.emit('awareness');
    world.hostile.emit('leave');
    world.hostile.emit('probe');
    world.hostile.emit('no-such-event', 1, 2, 3);
    const pong = (await world.hostile.timeout(5_000).emitWithAck('probe')) as AckResult;
    expect(pong).toMatchObject({ ok: true });
    await expectHarmless();
  });
});

describe('messages about documents the sender may not touch are refused', () => {
  it('refuses sync for a document the connection has not joined', async () => {
    expectRefusal(await hostileSync('elsewhere', encodeUpdate(validUpdate())), ErrorCode.NotJoined, 'elsewhere');
    expect(await world.ts.server.store.get('elsewhere')).toBeNull();
    await expectHarmless();
  });

  it('refuses presence for a document the connection has not joined', async () => {
    const error = await hostileEmitExpectingError('awareness', 'elsewhere', new Uint8Array([0]));
    expect(error.code).toBe(ErrorCode.NotJoined);
    await expectHarmless();
  });

  it('refuses sync after the connection left the document', async () => {
    world.hostile.emit('leave', DOC);
    expectRefusal(await hostileSync(DOC, encodeUpdate(validUpdate())), ErrorCode.NotJoined, DOC);
    expect(await joinRaw(world.hostile, DOC)).toMatchObject({ ok: true });
    await expectHarmless();
  });

  it.each([
    ['empty', ''],
    ['too long', 'x'.repeat(65)],
    ['a path', '../../etc/passwd'],
    ['not a string', 17],
    ['missing', undefined],
  ])('refuses a document id that is %s, on join and on sync', async (_, docId) => {
    const join = (await world.hostile
      .timeout(5_000)
      .emitWithAck('join', { docId, protocol: PROTOCOL_VERSION })) as AckResult;
    expectRefusal(join, ErrorCode.InvalidDocId);
    expectRefusal(await hostileSync(docId, encodeUpdate(validUpdate())), ErrorCode.InvalidDocId);
    expect((await world.ts.server.store.listPage({ limit: 10, access: { all: true } })).map((d) => d.id)).toEqual([
      DOC,
    ]);
    await expectHarmless();
  });

  it.each([
    ['a newer version', PROTOCOL_VERSION + 1],
    ['an older version', PROTOCOL_VERSION - 1],
    ['the version as a string', String(PROTOCOL_VERSION)],
    ['no version', undefined],
  ])('refuses a join naming %s of the protocol', async (_, protocol) => {
    const join = (await world.hostile
      .timeout(5_000)
      .emitWithAck('join', { docId: 'versioned', protocol })) as AckResult;
    expectRefusal(join, ErrorCode.ProtocolVersionMismatch);
    expect(await world.ts.server.store.get('versioned')).toBeNull();
    expectRefusal(await hostileSync('versioned', encodeUpdate(validUpdate())), ErrorCode.NotJoined, 'versioned');
    await expectHarmless();
  });
});

describe('oversized messages', () => {
  it('refuses an oversized presence update with MESSAGE_TOO_LARGE', async () => {
    const error = await hostileEmitExpectingError('awareness', DOC, new Uint8Array(65 * 1024));
    expect(error.code).toBe(ErrorCode.MessageTooLarge);
    await expectHarmless();
  });

  it('closes the connection that sends a message over the size limit, and only that one', async () => {
    await world.ts.stop({ wipe: true });
    world = await createWorld({ maxMessageBytes: 32 * 1024 });
    const closed = nextEvent<string>(world.hostile, 'disconnect');
    world.hostile.emit('sync', DOC, encodeUpdate(validUpdate('x'.repeat(64 * 1024))), () => undefined);
    expect(await closed).toBe('transport close');
    // Everyone else is untouched; the hostile client may come back on a new connection.
    world.hostile = world.ts.rawSocket();
    expect(await joinRaw(world.hostile, DOC)).toMatchObject({ ok: true });
    await expectHarmless();
  });
});
