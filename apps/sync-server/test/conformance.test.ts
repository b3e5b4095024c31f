/**
 * PROTOCOL.md held to the server. A client written from the spec alone
 * (`conformance/client.ts`) connects, syncs, edits and provokes every error of the
 * spec's table on the channel the table names; the spec's byte-by-byte session is
 * replayed over a bare WebSocket; and the table is compared with the server's codes.
 * A change to the wire changes PROTOCOL.md and this file together.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { ErrorCode, type Role } from '@tandem/crdt-bridge';
import { AccessTokens } from '../src/auth/AccessTokens.js';
import { issueToken } from '../src/auth/tokens.js';
import type { Config } from '../src/config.js';
import type { DocumentStore } from '../src/storage/DocumentStore.js';
import { committedDoc, startTestServer, tempDataDir, waitFor, type TestServer } from './helpers.js';
import { InstrumentedStore, createGate } from './stores.js';
import {
  HandshakeRefused,
  Replica,
  StrangerClient,
  SyncType,
  syncMessage,
  toWire,
  type Channel,
  type ConnectOptions,
  type SeenError,
} from './conformance/client.js';
import { replaySession } from './conformance/session.js';
import { errorTable, readSpec, sessionFrames } from './conformance/spec.js';

/** Codes of the table this test does not provoke, each for the reason the spec gives. */
const NOT_PROVOKED = new Set(['INTERNAL']);

const require = createRequire(import.meta.url);

const SECRET = 'conformance-secret-conformance-secret-0123';

/** Every (code, channel) a client of this file received, across all tests. */
const seen = new Map<string, Set<Channel>>();
function noteSeen(code: string, channel: Channel): void {
  const channels = seen.get(code) ?? new Set<Channel>();
  channels.add(channel);
  seen.set(code, channels);
}

let ts: TestServer | null = null;
let store: InstrumentedStore<DocumentStore>;
const clients: StrangerClient[] = [];

afterEach(async () => {
  for (const client of clients) {
    for (const { error, channel } of client.errors) noteSeen(error.code, channel);
    client.close();
  }
  clients.length = 0;
  for (const gate of Object.values(store?.gates ?? {})) gate.open();
  await ts?.stop({ wipe: true });
  ts = null;
});

/** A real server on real storage (SQLite, or PostgreSQL in the `postgres` project), reached through an instrumented store. */
async function start(overrides: Partial<Config> = {}): Promise<TestServer> {
  const dataDir = tempDataDir();
  store = await InstrumentedStore.forTest(dataDir);
  ts = await startTestServer(overrides, { store, dataDir });
  return ts;
}

async function connect(options: ConnectOptions = {}): Promise<StrangerClient> {
  const client = await StrangerClient.connect(ts!.url, options);
  clients.push(client);
  return client;
}

/** Connects expecting a refusal; resolves with it. */
async function refused(options: ConnectOptions = {}): Promise<HandshakeRefused> {
  const error = await StrangerClient.connect(ts!.url, options).then(
    (client) => {
      clients.push(client);
      throw new Error('the handshake was accepted');
    },
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(HandshakeRefused);
  const refusal = error as HandshakeRefused;
  if (refusal.code !== undefined) noteSeen(refusal.code, '`connect_error`');
  return refusal;
}

/** The refusal `client` received with `code` on `channel`; fails when there is none. */
function refusal(client: StrangerClient, code: string, channel: Channel): SeenError['error'] {
  const found = client.errors.find((e) => e.error.code === code && e.channel === channel);
  if (!found) throw new Error(`no ${code} as ${channel}; received ${JSON.stringify(client.errors)}`);
  expect(found.error.message).toMatch(/\S/);
  return found.error;
}

async function waitForRefusal(client: StrangerClient, code: string, channel: Channel): Promise<SeenError['error']> {
  await waitFor(
    () => client.errors.some((e) => e.error.code === code && e.channel === channel),
    `${code} as ${channel}`,
  );
  return refusal(client, code, channel);
}

/** A replica of `docId` on a new connection, joined and synced. */
async function openReplica(docId: string, options: { clientId?: number; doc?: Y.Doc; token?: string } = {}) {
  const client = await connect(options.token === undefined ? {} : { token: options.token });
  const replica = new Replica(client, docId, options);
  const joined = await replica.open();
  await waitFor(() => replica.synced && replica.unacknowledged === 0, 'the initial sync is acknowledged');
  return { client, replica, joined };
}

/** The sync `update` message carrying what `change` does to a fresh document of `clientId`. */
function updateMessage(change: (doc: Y.Doc) => void, clientId = 1, base?: Uint8Array): Uint8Array {
  const doc = new Y.Doc();
  if (base) Y.applyUpdate(doc, base);
  doc.clientID = clientId;
  let update: Uint8Array | null = null;
  doc.on('update', (u: Uint8Array) => (update = u));
  change(doc);
  if (!update) throw new Error('the change changed nothing');
  return syncMessage(SyncType.Update, update);
}

/** A y-protocols awareness update with one entry. */
function presenceUpdate(clientId: number, clock: number, state: unknown): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint(encoder, clientId);
  encoding.writeVarUint(encoder, clock);
  encoding.writeVarString(encoder, JSON.stringify(state));
  return encoding.toUint8Array(encoder);
}

/** Client ids of the entries of an awareness update. */
function presenceClients(update: Uint8Array): number[] {
  const decoder = decoding.createDecoder(update);
  const ids: number[] = [];
  for (let n = decoding.readVarUint(decoder); n > 0; n--) {
    ids.push(decoding.readVarUint(decoder));
    decoding.readVarUint(decoder);
    decoding.readVarString(decoder);
  }
  return ids;
}

function token(name: string, roles: Record<string, Role>): Promise<string> {
  return issueToken(SECRET, { id: name.toLowerCase(), name, roles }, 3600);
}

describe('the spec itself', () => {
  it('is enough: the client imports only socket.io-client, the codec, yjs, y-protocols and lib0', () => {
    const source = fs.readFileSync(
      path.join(path.dirname(fileURLToPath(import.meta.url)), 'conformance/client.ts'),
      'utf8',
    );
    const imports = [...source.matchAll(/^import\s(?:[^;]*?\sfrom\s)?'([^']+)'/gm)].map((m) => m[1]!);
    expect(imports).toContain('socket.io-msgpack-parser');
    for (const specifier of imports) {
      expect(specifier).toMatch(/^(socket\.io-client|socket\.io-msgpack-parser|yjs|y-protocols\/[a-z]+|lib0\/[a-z]+)$/);
    }
    expect(source).not.toMatch(/\brequire\(|\bimport\(/);
  });

  it('names the codec versions that are installed', () => {
    const spec = readSpec();
    const version = (pkg: string): string =>
      (JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
    expect(spec).toContain(
      `[\`socket.io-msgpack-parser\`](https://github.com/socketio/socket.io-msgpack-parser) **${version('socket.io-msgpack-parser')}**`,
    );
    expect(spec).toContain(`\`notepack.io\` ${version('notepack.io')}`);
  });

  it('shows a session the server plays byte for byte', async () => {
    await start();
    await replaySession(ts!.port, sessionFrames(readSpec()));
  });
});

describe('a client written from the spec', () => {
  it('joins, syncs both ways, edits with acknowledgements and converges', async () => {
    await start();
    const offlineA = new Y.Doc();
    offlineA.getText('t').insert(0, 'written by A offline');
    const a = await openReplica('shared', { doc: offlineA });
    expect(a.joined).toEqual({ ok: true, role: 'owner' });

    // B brings its own offline text and receives A's through the server's step 2.
    const offlineB = new Y.Doc();
    offlineB.getText('u').insert(0, 'written by B offline');
    const b = await openReplica('shared', { doc: offlineB });
    expect(b.replica.doc.getText('t').toString()).toBe('written by A offline');
    await waitFor(() => a.replica.doc.getText('u').toString() === 'written by B offline', 'A receives B’s step 2');

    const updatesToA: number[] = [];
    a.client.onSync((_, bytes) => updatesToA.push(decoding.readVarUint(decoding.createDecoder(bytes))));
    a.replica.doc.getText('t').insert(0, 'A: ');
    await waitFor(() => a.replica.unacknowledged === 0, 'A’s edit is acknowledged');
    // The edit went out and its ack came back, with no echo of it before the ack.
    expect(updatesToA).toEqual([]);
    await waitFor(() => b.replica.doc.getText('t').toString().startsWith('A: '), 'B receives A’s edit');

    b.replica.doc.getText('u').insert(0, 'B: ');
    await waitFor(() => a.replica.doc.getText('u').toString().startsWith('B: '), 'A receives B’s edit');
    expect(updatesToA).toEqual([SyncType.Update]);
    await waitFor(() => b.replica.unacknowledged === 0, 'B’s edit is acknowledged');

    for (const { replica } of [a, b]) expect(replica.acks.every((ack) => ack.ok)).toBe(true);
    const stored = await committedDoc(ts!.dataDir, 'shared');
    expect(Y.encodeStateVector(stored)).toEqual(Y.encodeStateVector(a.replica.doc));
    expect(Y.encodeStateVector(b.replica.doc)).toEqual(Y.encodeStateVector(a.replica.doc));
    expect(stored.getText('t').toString()).toBe('A: written by A offline');
    expect(stored.getText('u').toString()).toBe('B: written by B offline');
  });

  it('sees the acknowledgement of an edit only once the edit is committed', async () => {
    await start();
    const a = await openReplica('durable');
    const gate = createGate();
    store.gates.append = gate;
    const appends = store.calls.append;
    a.replica.doc.getText('t').insert(0, 'kept');
    await waitFor(() => store.calls.append > appends, 'the commit starts');
    expect((await a.client.probe()).ok).toBe(true);
    expect(a.replica.unacknowledged).toBe(1);
    expect((await committedDoc(ts!.dataDir, 'durable')).getText('t').toString()).toBe('');
    gate.open();
    await waitFor(() => a.replica.unacknowledged === 0, 'the ack comes after the commit');
    expect(a.replica.acks.at(-1)).toEqual({ ok: true });
    expect((await committedDoc(ts!.dataDir, 'durable')).getText('t').toString()).toBe('kept');
  });

  it('sends presence, sees the others’, and sees them leave', async () => {
    await start();
    const a = await openReplica('here');
    const presenceToA: number[] = [];
    a.client.onAwareness((_, bytes) => presenceToA.push(...presenceClients(bytes)));
    a.replica.setPresence({ user: { name: 'Ana', color: '#112233' }, cursor: null, typing: false });

    const b = await openReplica('here');
    // Everyone present arrives right after the join's ack.
    await waitFor(
      () => (b.replica.awareness.getStates().get(a.replica.doc.clientID)?.user as { name?: string })?.name === 'Ana',
      'B sees A’s presence',
    );
    b.replica.setPresence({ user: { name: 'Bo', color: '#445566' }, cursor: null, typing: true });
    await waitFor(() => a.replica.awareness.getStates().has(b.replica.doc.clientID), 'A sees B’s presence');
    expect(presenceToA).not.toContain(a.replica.doc.clientID);

    b.client.leave('here');
    await waitFor(() => !a.replica.awareness.getStates().has(b.replica.doc.clientID), 'A sees B leave');
  });

  it('cancels a join still loading when the client leaves: the join and what waited are NOT_JOINED', async () => {
    await start();
    const client = await connect();
    const gate = createGate();
    store.gates.load = gate;
    const join = client.join('left');
    const queued = client.sync('left', syncMessage(SyncType.Step1, new Uint8Array([0])));
    client.leave('left');
    expect(await queued).toMatchObject({ ok: false, error: { code: ErrorCode.NotJoined, docId: 'left' } });
    gate.open();
    expect(await join).toMatchObject({ ok: false, error: { code: ErrorCode.NotJoined, docId: 'left' } });
    expect(refusal(client, ErrorCode.NotJoined, '`join` ack').docId).toBe('left');
  });

  it('meets the pitfalls the spec warns about', async () => {
    await start();
    const a = await openReplica('pitfalls');
    const message = syncMessage(SyncType.Step1, new Uint8Array([0]));
    const inBigger = new Uint8Array([9, 9, ...message, 9]).subarray(2, 2 + message.length);
    const emit = (payload: unknown) =>
      new Promise((resolve) => a.client.socket.emit('sync', 'pitfalls', payload, resolve));

    // 1. A bare view goes out as its whole buffer; the same bytes as a Buffer window are fine.
    expect(await emit(inBigger)).toMatchObject({ ok: false, error: { code: ErrorCode.MalformedUpdate } });
    expect(await emit(toWire(inBigger))).toEqual({ ok: true });
    // 2. What a browser's notepack writes for a Uint8Array.
    expect(await emit({ 0: 0, 1: 1, 2: 0 })).toMatchObject({ ok: false, error: { code: ErrorCode.InvalidMessage } });
    // 3. A received Buffer is a window onto the frame.
    const received = new Promise<Buffer>((resolve) =>
      a.client.socket.once('sync', (_: string, b: Buffer) => resolve(b)),
    );
    await a.client.sync('pitfalls', message);
    const bytes = await received;
    expect(Buffer.isBuffer(bytes)).toBe(true);
    expect(bytes.buffer.byteLength).toBeGreaterThan(bytes.byteLength);
    // 5. Socket.IO's default codec never gets a connection.
    const plain = io(ts!.url, { transports: ['websocket'], reconnection: false, forceNew: true });
    const outcome = await new Promise<string>((resolve) => {
      for (const event of ['connect', 'connect_error', 'disconnect']) plain.once(event, () => resolve(event));
    });
    plain.disconnect();
    expect(outcome).not.toBe('connect');
    // 6. Without an ack, the refusal comes as doc-error.
    a.client.socket.emit('sync', 'pitfalls', toWire(new Uint8Array([0xff])));
    expect(await waitForRefusal(a.client, ErrorCode.MalformedUpdate, '`doc-error`')).toMatchObject({
      docId: 'pitfalls',
    });
  });
});

describe('every error of the table, on the channel the table names', () => {
  it('PROTOCOL_VERSION_MISMATCH: a join naming another protocol', async () => {
    await start();
    const client = await connect();
    expect(await client.join('doc', { protocol: 1 })).toMatchObject({ ok: false });
    expect(refusal(client, ErrorCode.ProtocolVersionMismatch, '`join` ack').docId).toBeUndefined();
  });

  it('INVALID_DOC_ID: on join, sync and awareness', async () => {
    await start();
    const client = await connect();
    await client.join('not an id!');
    await client.sync('../etc', syncMessage(SyncType.Step1, new Uint8Array([0])));
    client.awareness('x'.repeat(65), presenceUpdate(1, 1, {}));
    expect(refusal(client, ErrorCode.InvalidDocId, '`join` ack').docId).toBeUndefined();
    expect(refusal(client, ErrorCode.InvalidDocId, '`sync` ack').docId).toBeUndefined();
    expect((await waitForRefusal(client, ErrorCode.InvalidDocId, '`doc-error`')).docId).toBeUndefined();
  });

  it('INVALID_MESSAGE: a join that is no object, a second join while loading, payloads that are not bytes', async () => {
    await start();
    const client = await connect();
    await client.call('join', 'doc');
    refusal(client, ErrorCode.InvalidMessage, '`join` ack');

    const gate = createGate();
    store.gates.load = gate;
    const first = client.join('slow');
    expect(await client.join('slow')).toMatchObject({
      ok: false,
      error: { code: ErrorCode.InvalidMessage, docId: 'slow' },
    });
    gate.open();
    expect(await first).toEqual({ ok: true, role: 'owner' });

    expect(await client.sync('slow', 'not bytes')).toMatchObject({ ok: false, error: { docId: 'slow' } });
    refusal(client, ErrorCode.InvalidMessage, '`sync` ack');
    client.awareness('slow', [1, 2, 3]);
    expect(await waitForRefusal(client, ErrorCode.InvalidMessage, '`doc-error`')).toMatchObject({ docId: 'slow' });
  });

  it('MALFORMED_UPDATE: sync bytes that are no sync message, awareness bytes that are no awareness update', async () => {
    await start();
    const { client } = await openReplica('doc');
    await client.sync('doc', new Uint8Array([SyncType.Update, 3, 1, 2]));
    expect(refusal(client, ErrorCode.MalformedUpdate, '`sync` ack').docId).toBe('doc');
    client.awareness('doc', presenceUpdate(7, 1, 'a string, not an object'));
    expect((await waitForRefusal(client, ErrorCode.MalformedUpdate, '`doc-error`')).docId).toBe('doc');
  });

  it('SCHEMA_VIOLATION: content the schema does not allow', async () => {
    await start();
    const { client } = await openReplica('doc');
    const script = updateMessage((doc) => doc.getXmlFragment('prosemirror').insert(0, [new Y.XmlElement('script')]));
    expect(await client.sync('doc', script)).toMatchObject({ ok: false });
    expect(refusal(client, ErrorCode.SchemaViolation, '`sync` ack').docId).toBe('doc');
  });

  it('MISSING_DEPENDENCIES: an update building on changes the server lacks, followed by the server’s step 1', async () => {
    await start();
    const { client } = await openReplica('doc');
    const doc = new Y.Doc();
    doc.clientID = 77;
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    doc.getText('t').insert(0, 'a');
    doc.getText('t').insert(1, 'b');
    const types: number[] = [];
    client.onSync((_, bytes) => types.push(decoding.readVarUint(decoding.createDecoder(bytes))));
    await client.sync('doc', syncMessage(SyncType.Update, updates[1]!));
    expect(refusal(client, ErrorCode.MissingDependencies, '`sync` ack').docId).toBe('doc');
    await waitFor(() => types.includes(SyncType.Step1), 'the server asks for what it lacks');
  });

  it('NOT_JOINED: sync and awareness for a document not joined', async () => {
    await start();
    const client = await connect();
    await client.sync('elsewhere', syncMessage(SyncType.Step1, new Uint8Array([0])));
    expect(refusal(client, ErrorCode.NotJoined, '`sync` ack').docId).toBe('elsewhere');
    client.awareness('elsewhere', presenceUpdate(1, 1, {}));
    expect((await waitForRefusal(client, ErrorCode.NotJoined, '`doc-error`')).docId).toBe('elsewhere');
  });

  it('MESSAGE_TOO_LARGE: an awareness update over 64 KiB', async () => {
    await start();
    const { client } = await openReplica('doc');
    client.awareness('doc', new Uint8Array(64 * 1024 + 1));
    expect((await waitForRefusal(client, ErrorCode.MessageTooLarge, '`doc-error`')).docId).toBe('doc');
  });

  it('LOAD_FAILED: the document cannot be read; what waited behind the join is NOT_JOINED', async () => {
    await start();
    const client = await connect();
    const gate = createGate();
    store.gates.load = gate;
    store.failLoads = new Error('SQLITE_IOERR: disk I/O error');
    const join = client.join('unreadable');
    const queued = client.sync('unreadable', syncMessage(SyncType.Step1, new Uint8Array([0])));
    gate.open();
    expect(await join).toMatchObject({ ok: false, error: { code: ErrorCode.LoadFailed, docId: 'unreadable' } });
    expect(await queued).toMatchObject({ ok: false, error: { code: ErrorCode.NotJoined, docId: 'unreadable' } });
    refusal(client, ErrorCode.LoadFailed, '`join` ack');
  });

  it('STORAGE_UNAVAILABLE: a failing commit is reported, and the ack comes once it is stored', async () => {
    await start();
    const a = await openReplica('doc');
    store.failAppends = new Error('SQLITE_IOERR: disk I/O error');
    a.replica.doc.getText('t').insert(0, 'held in memory');
    expect((await waitForRefusal(a.client, ErrorCode.StorageUnavailable, '`doc-error`')).docId).toBe('doc');
    expect(a.replica.unacknowledged).toBe(1);
    store.failAppends = null;
    await waitFor(() => a.replica.unacknowledged === 0, 'the ack comes once storage recovers');
    expect(a.replica.acks.at(-1)).toEqual({ ok: true });
    expect((await committedDoc(ts!.dataDir, 'doc')).getText('t').toString()).toBe('held in memory');
  });

  it('FORBIDDEN: new content under another live session’s client id, and someone else’s presence', async () => {
    await start();
    const a = await openReplica('doc', { clientId: 4242 });
    a.replica.doc.getText('t').insert(0, 'mine');
    await waitFor(() => a.replica.unacknowledged === 0, 'A’s edit is stored');
    a.replica.setPresence({ user: { name: 'Ana', color: '#112233' } });

    const b = await connect();
    await b.join('doc');
    const impostor = updateMessage(
      (doc) => doc.getText('t').insert(4, '!'),
      4242,
      Y.encodeStateAsUpdate(a.replica.doc),
    );
    expect(await b.sync('doc', impostor)).toMatchObject({ ok: false });
    expect(refusal(b, ErrorCode.Forbidden, '`sync` ack').docId).toBe('doc');
    b.awareness('doc', presenceUpdate(4242, 99, null));
    expect((await waitForRefusal(b, ErrorCode.Forbidden, '`doc-error`')).docId).toBe('doc');
    expect(a.replica.doc.getText('t').toString()).toBe('mine');
  });

  it('RATE_LIMITED (with docId): more than 64 messages behind a loading join', async () => {
    await start();
    const client = await connect();
    const gate = createGate();
    store.gates.load = gate;
    const join = client.join('busy');
    for (let clock = 1; clock <= 64; clock++) client.awareness('busy', presenceUpdate(5, clock, { n: clock }));
    // The 65th: an awareness (no ack) is refused as doc-error, a sync in its ack.
    client.awareness('busy', presenceUpdate(5, 65, { n: 65 }));
    expect((await waitForRefusal(client, ErrorCode.RateLimited, '`doc-error`')).docId).toBe('busy');
    const beyond = await client.sync('busy', syncMessage(SyncType.Step1, new Uint8Array([0])));
    expect(beyond).toMatchObject({ ok: false, error: { code: ErrorCode.RateLimited, docId: 'busy' } });
    expect(refusal(client, ErrorCode.RateLimited, '`sync` ack').docId).toBe('busy');
    gate.open();
    expect(await join).toEqual({ ok: true, role: 'owner' });
    expect(client.socket.connected).toBe(true);
  });

  it('DOCUMENT_IN_TRASH and DOCUMENT_DELETED: moved to Trash while joined, refused on join, then deleted for good', async () => {
    await start();
    const { client } = await openReplica('doomed');
    expect((await fetch(`${ts!.url}/api/docs/doomed`, { method: 'DELETE' })).status).toBe(200);
    expect((await waitForRefusal(client, ErrorCode.DocumentInTrash, '`doc-error`')).docId).toBe('doomed');
    expect(await client.join('doomed')).toMatchObject({ ok: false });
    expect(refusal(client, ErrorCode.DocumentInTrash, '`join` ack').docId).toBe('doomed');
    expect((await fetch(`${ts!.url}/api/trash/doomed`, { method: 'DELETE' })).status).toBe(204);
    expect(await client.sync('doomed', syncMessage(SyncType.Step1, new Uint8Array([0])))).toMatchObject({
      ok: false,
      error: { code: ErrorCode.NotJoined },
    });
    expect(await client.join('doomed')).toMatchObject({ ok: false });
    expect(refusal(client, ErrorCode.DocumentDeleted, '`join` ack').docId).toBe('doomed');
  });

  it('TOO_MANY_DOCUMENTS and QUOTA_EXCEEDED: the per-connection cap and the creation quota', async () => {
    await start({ maxDocsPerConnection: 1, docsPerHour: 1, docsBurst: 1 });
    const first = await connect();
    expect(await first.join('one')).toEqual({ ok: true, role: 'owner' });
    await first.join('two');
    expect(refusal(first, ErrorCode.TooManyDocuments, '`join` ack').docId).toBe('two');

    const second = await connect();
    await second.join('three');
    expect(refusal(second, ErrorCode.QuotaExceeded, '`join` ack')).toMatchObject({ docId: 'three' });
    // Joining what exists creates nothing, so the quota does not stand in the way.
    expect(await second.join('one')).toEqual({ ok: true, role: 'owner' });
  });

  it('RATE_LIMITED (connection): events faster than the limit close the connection', async () => {
    await start({ rateLimitBurst: 5, rateLimitPerSecond: 1 });
    const client = await connect();
    for (let i = 0; i < 10; i++) void client.probe();
    expect((await waitForRefusal(client, ErrorCode.RateLimited, '`doc-error`')).docId).toBeUndefined();
    await waitFor(() => !client.socket.connected, 'the connection is closed');
  });

  it('JOIN_TIMEOUT: a connection that joins nothing is closed', async () => {
    await start({ joinTimeoutMs: 200 });
    const client = await connect();
    expect((await waitForRefusal(client, ErrorCode.JoinTimeout, '`doc-error`')).docId).toBeUndefined();
    await waitFor(() => !client.socket.connected, 'the connection is closed');
  });

  it('SERVER_BUSY: a handshake beyond the connection limit', async () => {
    await start({ maxConnections: 1 });
    await connect();
    expect((await refused()).code).toBe(ErrorCode.ServerBusy);
  });

  it('a handshake from a foreign origin is refused before Socket.IO, without a code', async () => {
    await start();
    const refusal = await refused({ origin: 'http://evil.example' });
    expect(refusal.code).toBeUndefined();
    expect(refusal.message).toBe('websocket error');
  });

  it('UNAUTHORIZED, FORBIDDEN and DOCUMENT_NOT_FOUND in token mode; names come from the token', async () => {
    await start({ authSecret: SECRET });
    expect((await refused()).code).toBe(ErrorCode.Unauthorized);
    expect((await refused({ token: 'not-a-token' })).code).toBe(ErrorCode.Unauthorized);

    const outsider = await connect({ token: await token('Tom', { 'team-*': 'editor' }) });
    await outsider.join('plan');
    expect(refusal(outsider, ErrorCode.Forbidden, '`join` ack').docId).toBe('plan');

    const reader = await connect({ token: await token('Vic', { plan: 'viewer', ghost: 'viewer' }) });
    await reader.join('ghost');
    expect(refusal(reader, ErrorCode.DocumentNotFound, '`join` ack').docId).toBe('ghost');

    const editor = await openReplica('plan', { token: await token('Ana', { plan: 'editor' }) });
    expect(editor.joined).toEqual({ ok: true, role: 'editor' });
    const viewer = new Replica(reader, 'plan');
    expect(await viewer.open()).toEqual({ ok: true, role: 'viewer' });
    await waitFor(() => viewer.synced && viewer.unacknowledged === 0, 'a viewer’s step 2 that brings nothing is fine');
    expect(viewer.acks.every((ack) => ack.ok)).toBe(true);
    expect(
      await reader.sync(
        'plan',
        updateMessage((doc) => doc.getText('t').insert(0, 'x'), 31),
      ),
    ).toMatchObject({
      ok: false,
    });
    expect(refusal(reader, ErrorCode.Forbidden, '`sync` ack').docId).toBe('plan');

    viewer.setPresence({ user: { name: 'Mallory', color: '#000000' } });
    await waitFor(
      () => (editor.replica.awareness.getStates().get(viewer.doc.clientID)?.user as { name?: string })?.name === 'Vic',
      'the editor sees the token’s name',
    );
  });

  it('ACCESS_REVOKED: the link a connection signed in with is revoked (here in the store, as another node would)', async () => {
    const server = await start({ authSecret: SECRET });
    const tokens = new AccessTokens(SECRET, server.server.store.links);
    const { link, token: linkToken } = await tokens.createLink({
      scope: 'plan',
      role: 'editor',
      name: 'Lin',
      createdBy: '',
      expiresAt: null,
    });
    const client = await connect({ token: linkToken });
    await client.join('plan');
    await server.server.store.links!.revoke(link.id, Date.now());
    expect((await waitForRefusal(client, ErrorCode.AccessRevoked, '`doc-error`')).docId).toBeUndefined();
    await waitFor(() => !client.socket.connected, 'the connection is closed');
    expect((await refused({ token: linkToken })).code).toBe(ErrorCode.Unauthorized);
  });

  // Runs last: it reads what the tests above received.
  it('the table names exactly the server’s codes, each seen on exactly the channels the table gives', () => {
    const table = errorTable(readSpec());
    expect([...table.keys()].sort()).toEqual(Object.values(ErrorCode).sort());
    const pairs = (entries: Iterable<[string, Set<Channel>]>): string[] =>
      [...entries].flatMap(([code, channels]) => [...channels].map((channel) => `${code} as ${channel}`)).sort();
    const expected = pairs([...table].filter(([code]) => !NOT_PROVOKED.has(code)));
    expect(pairs(seen)).toEqual(expected);
  });
});
