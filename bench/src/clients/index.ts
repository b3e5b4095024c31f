/**
 * Load-generator clients: each speaks one server's wire protocol directly (no editor,
 * no provider classes), so hundreds fit in the bench process. Every client joins one
 * document, runs the y-protocols sync handshake, then hands remote updates and
 * awareness to the scenario as raw bytes.
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { WebSocket } from 'ws';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import {
  PROTOCOL_VERSION,
  SyncMessageType,
  decodeSyncMessage,
  encodeStep1FromStateVector,
  encodeStep2FromUpdate,
  encodeUpdate,
  toBytes,
  type AckResult,
} from '@tandem/crdt-bridge/protocol';
import { protocolOf, type ServerKind } from '../servers/index.js';
import { withTimeout } from '../lib/util.js';
import { TandemWire } from './tandemWire.js';

/** Origin for updates a bench client applies from the server. */
export const REMOTE = Symbol('remote');

/** y-protocols sync message types, which every server here speaks inside its own framing. */
const SYNC_STEP1 = SyncMessageType.Step1;
const SYNC_STEP2 = SyncMessageType.Step2;
const SYNC_UPDATE = SyncMessageType.Update;

/** y-websocket / hocuspocus top-level message types. */
const MSG_SYNC = 0;
const MSG_AWARENESS = 1;
const MSG_AUTH = 2;
const MSG_SYNC_REPLY = 4;
const MSG_SYNC_STATUS = 8;

export interface RemoteHandlers {
  /** A Yjs update the server relayed (from another client, or an echo of our own). */
  onUpdate?(update: Uint8Array): void;
  /** An awareness update the server relayed. */
  onAwareness?(update: Uint8Array): void;
}

/** Milestones of one join, from performance.now(). */
export interface JoinTiming {
  start: number;
  /** Transport open (WebSocket / Socket.IO connected). */
  open: number;
  /** The server's sync step 2 arrived (before it is applied). */
  step2: number;
  /** The step 2 was applied to the client's Y.Doc (or ignored when there is none): synced. */
  synced: number;
}

export interface JoinOptions {
  port: number;
  docId: string;
  /** The client's document: its state vector starts the sync and the server's step 2 is applied to it. */
  doc: Y.Doc | null;
  handlers?: RemoteHandlers;
  timeoutMs?: number;
}

/** One connection joined to one document. */
export interface BenchClient {
  readonly kind: string;
  readonly timing: JoinTiming;
  /** Sends a Yjs update; `onStored` fires on Tandem's acknowledgement (stored) or hocuspocus' sync status. */
  sendUpdate(update: Uint8Array, onStored?: (ok: boolean) => void): void;
  sendAwareness(update: Uint8Array): void;
  close(): void;
}

const emptyDoc = new Y.Doc();
const EMPTY_SV = Y.encodeStateVector(emptyDoc);

function stateVector(doc: Y.Doc | null): Uint8Array {
  return doc ? Y.encodeStateVector(doc) : EMPTY_SV;
}

function diff(doc: Y.Doc | null, sv: Uint8Array): Uint8Array {
  return Y.encodeStateAsUpdate(doc ?? emptyDoc, sv);
}

function asBytes(payload: unknown): Uint8Array {
  const bytes = toBytes(payload);
  if (!bytes) throw new TypeError('expected binary payload');
  return bytes;
}

function newTiming(): JoinTiming {
  return { start: performance.now(), open: Number.NaN, step2: Number.NaN, synced: Number.NaN };
}

/** A deferred "synced" promise. */
function syncLatch(): { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void } {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const SOCKET_IO_OPTIONS: Partial<ManagerOptions & SocketOptions> = {
  transports: ['websocket'],
  forceNew: true,
  reconnection: false,
  timeout: 20_000,
};

// ---------------------------------------------------------------------------------------------
// Tandem: Socket.IO packets in MessagePack over `ws` (see tandemWire.ts), messages encoded and
// decoded by the bridge's protocol module; one connection may join several documents.

interface TandemDocState {
  doc: Y.Doc | null;
  handlers: RemoteHandlers;
  timing: JoinTiming;
  synced: boolean;
  latch: ReturnType<typeof syncLatch>;
}

/** A Tandem connection speaking the bridge's protocol (`@tandem/crdt-bridge/protocol`). */
export class TandemConnection {
  readonly socket: TandemWire;
  private readonly docs = new Map<string, TandemDocState>();
  readonly opened: Promise<void>;
  openedAt = Number.NaN;
  /** doc-error events received (a healthy run has none). */
  readonly errors: string[] = [];

  constructor(port: number) {
    this.socket = new TandemWire(port);
    this.opened = this.socket.connected.then(() => {
      this.openedAt = performance.now();
    });
    this.socket.on('sync', (docId, payload) => this.onSync(docId, asBytes(payload)));
    this.socket.on('awareness', (docId, payload) => this.docs.get(docId)?.handlers.onAwareness?.(asBytes(payload)));
    this.socket.on('doc-error', ({ code, message }) => this.errors.push(`${code}: ${message}`));
  }

  /** Joins `docId` and syncs; resolves when the server's step 2 is applied. */
  async join(
    docId: string,
    doc: Y.Doc | null,
    handlers: RemoteHandlers = {},
    timing = newTiming(),
  ): Promise<JoinTiming> {
    await this.opened;
    const state: TandemDocState = { doc, handlers, timing, synced: false, latch: syncLatch() };
    this.docs.set(docId, state);
    this.socket.emit('join', { docId, protocol: PROTOCOL_VERSION }, (result: AckResult) => {
      if (!result.ok) return state.latch.reject(new Error(`join refused: ${result.error.code}`));
      this.socket.emit('sync', docId, encodeStep1FromStateVector(stateVector(doc)), (ack: AckResult) => {
        if (!ack.ok) state.latch.reject(new Error(`step 1 refused: ${ack.error.code}`));
      });
    });
    await state.latch.promise;
    return timing;
  }

  leave(docId: string): void {
    this.docs.delete(docId);
    this.socket.emit('leave', docId);
  }

  sendUpdate(docId: string, update: Uint8Array, onStored?: (ok: boolean) => void): void {
    // The real provider always asks for the "stored" acknowledgement; so do we.
    this.socket.emit('sync', docId, encodeUpdate(update), (ack: AckResult) => onStored?.(ack.ok));
  }

  sendAwareness(docId: string, update: Uint8Array): void {
    this.socket.emit('awareness', docId, update);
  }

  close(): void {
    this.socket.close();
  }

  private onSync(docId: string, bytes: Uint8Array): void {
    const state = this.docs.get(docId);
    if (!state) return;
    const message = decodeSyncMessage(bytes);
    if (message.type === 'step1') {
      this.socket.emit('sync', docId, encodeStep2FromUpdate(diff(state.doc, message.stateVector)), () => undefined);
    } else if (message.type === 'step2' && !state.synced) {
      state.timing.step2 = performance.now();
      if (state.doc) Y.applyUpdate(state.doc, message.update, REMOTE);
      state.synced = true;
      state.timing.synced = performance.now();
      state.latch.resolve();
    } else {
      state.handlers.onUpdate?.(message.update);
    }
  }
}

async function joinTandem(options: JoinOptions): Promise<BenchClient> {
  const timing = newTiming();
  const connection = new TandemConnection(options.port);
  try {
    await connection.opened;
    timing.open = connection.openedAt;
    await connection.join(options.docId, options.doc, options.handlers, timing);
  } catch (err) {
    connection.close();
    throw err;
  }
  const { docId } = options;
  return {
    kind: 'tandem',
    timing,
    sendUpdate: (update, onStored) => connection.sendUpdate(docId, update, onStored),
    sendAwareness: (update) => connection.sendAwareness(docId, update),
    close: () => connection.close(),
  };
}

// ---------------------------------------------------------------------------------------------
// y-socket.io: Socket.IO, one namespace per document ("/yjs|<name>").

async function joinYSocketIO(options: JoinOptions): Promise<BenchClient> {
  const timing = newTiming();
  const latch = syncLatch();
  const { doc, handlers = {} } = options;
  const socket = io(`http://127.0.0.1:${options.port}/yjs|${options.docId}`, SOCKET_IO_OPTIONS);
  socket.once('connect_error', (err) => latch.reject(err));
  socket.on('sync-step-1', (sv: unknown, reply: (update: Uint8Array) => void) => {
    reply(diff(doc, asBytes(sv)));
  });
  socket.on('sync-update', (update: unknown) => handlers.onUpdate?.(asBytes(update)));
  socket.on('awareness-update', (update: unknown) => handlers.onAwareness?.(asBytes(update)));
  socket.once('connect', () => {
    timing.open = performance.now();
    socket.emit('sync-step-1', stateVector(doc), (update: unknown) => {
      timing.step2 = performance.now();
      if (doc) Y.applyUpdate(doc, asBytes(update), REMOTE);
      timing.synced = performance.now();
      latch.resolve();
    });
  });
  try {
    await latch.promise;
  } catch (err) {
    socket.disconnect();
    throw err;
  }
  return {
    kind: 'y-socket.io',
    timing,
    sendUpdate: (update, onStored) => {
      socket.emit('sync-update', update);
      onStored?.(true);
    },
    sendAwareness: (update) => socket.emit('awareness-update', update),
    close: () => socket.disconnect(),
  };
}

// ---------------------------------------------------------------------------------------------
// y-websocket, hocuspocus and the bare relay: binary WebSocket frames.

function openWebSocket(url: string): WebSocket {
  return new WebSocket(url, { perMessageDeflate: false });
}

function wsFrame(prefix: Uint8Array, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeUint8Array(encoder, prefix);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/**
 * y-websocket's protocol ([type][payload]) and hocuspocus' ([docName][type][payload]) differ
 * only by that prefix, plus hocuspocus' auth handshake and sync-status replies.
 */
async function joinWebSocket(kind: 'y-websocket' | 'hocuspocus', options: JoinOptions): Promise<BenchClient> {
  const timing = newTiming();
  const latch = syncLatch();
  const { doc, handlers = {} } = options;
  const hocus = kind === 'hocuspocus';
  const prefix = hocus
    ? (() => {
        const e = encoding.createEncoder();
        encoding.writeVarString(e, options.docId);
        return encoding.toUint8Array(e);
      })()
    : new Uint8Array(0);
  const url = hocus ? `ws://127.0.0.1:${options.port}/` : `ws://127.0.0.1:${options.port}/${options.docId}`;
  const ws = openWebSocket(url);
  let synced = false;
  /** Callbacks waiting for hocuspocus' per-update sync status, in order. */
  const statusWaiters: (((ok: boolean) => void) | undefined)[] = [];
  const send = (frame: Uint8Array): void => ws.send(frame);
  const sendSync = (type: number, payload: Uint8Array, onStatus?: (ok: boolean) => void): void => {
    send(
      wsFrame(prefix, (e) => {
        encoding.writeVarUint(e, MSG_SYNC);
        encoding.writeVarUint(e, type);
        encoding.writeVarUint8Array(e, payload);
      }),
    );
    // hocuspocus answers every step 2 and update with a sync status, in order.
    if (hocus && type !== SYNC_STEP1) statusWaiters.push(onStatus);
  };
  const startSync = (): void => sendSync(SYNC_STEP1, stateVector(doc));

  ws.on('error', (err) => latch.reject(err));
  ws.on('open', () => {
    timing.open = performance.now();
    if (hocus) {
      send(
        wsFrame(prefix, (e) => {
          encoding.writeVarUint(e, MSG_AUTH);
          encoding.writeVarUint(e, 0); // AuthMessageType.Token
          encoding.writeVarString(e, '');
        }),
      );
    } else {
      startSync();
    }
  });
  ws.on('message', (data: Buffer) => {
    const decoder = decoding.createDecoder(data);
    decoder.pos = prefix.length;
    const type = decoding.readVarUint(decoder);
    if (type === MSG_SYNC || type === MSG_SYNC_REPLY) {
      const syncType = decoding.readVarUint(decoder);
      const payload = decoding.readVarUint8Array(decoder);
      if (syncType === SYNC_STEP1) {
        sendSync(SYNC_STEP2, diff(doc, payload));
      } else if (syncType === SYNC_STEP2 && !synced) {
        timing.step2 = performance.now();
        if (doc) Y.applyUpdate(doc, payload, REMOTE);
        synced = true;
        timing.synced = performance.now();
        latch.resolve();
      } else {
        handlers.onUpdate?.(payload);
      }
    } else if (type === MSG_AWARENESS) {
      handlers.onAwareness?.(decoding.readVarUint8Array(decoder));
    } else if (type === MSG_AUTH && hocus) {
      const authType = decoding.readVarUint(decoder);
      if (authType === 2)
        startSync(); // Authenticated
      else latch.reject(new Error('hocuspocus refused authentication'));
    } else if (type === MSG_SYNC_STATUS) {
      const ok = decoding.readVarUint(decoder) === 1;
      statusWaiters.shift()?.(ok);
    }
  });
  try {
    await latch.promise;
  } catch (err) {
    ws.terminate();
    throw err;
  }
  return {
    kind,
    timing,
    sendUpdate: (update, onStored) => {
      sendSync(SYNC_UPDATE, update, onStored);
      if (!hocus) onStored?.(true);
    },
    sendAwareness: (update) =>
      send(
        wsFrame(prefix, (e) => {
          encoding.writeVarUint(e, MSG_AWARENESS);
          encoding.writeVarUint8Array(e, update);
        }),
      ),
    close: () => ws.close(),
  };
}

/** The bare relay: y-websocket framing, no handshake (the relay holds no document). */
async function joinRelay(options: JoinOptions): Promise<BenchClient> {
  const timing = newTiming();
  const { handlers = {} } = options;
  const ws = openWebSocket(`ws://127.0.0.1:${options.port}/${options.docId}`);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  timing.open = timing.step2 = timing.synced = performance.now();
  ws.on('message', (data: Buffer) => {
    const decoder = decoding.createDecoder(data);
    const type = decoding.readVarUint(decoder);
    if (type === MSG_SYNC) {
      decoding.readVarUint(decoder);
      handlers.onUpdate?.(decoding.readVarUint8Array(decoder));
    } else if (type === MSG_AWARENESS) {
      handlers.onAwareness?.(decoding.readVarUint8Array(decoder));
    }
  });
  return {
    kind: 'relay',
    timing,
    sendUpdate: (update, onStored) => {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, MSG_SYNC);
      encoding.writeVarUint(e, SYNC_UPDATE);
      encoding.writeVarUint8Array(e, update);
      ws.send(encoding.toUint8Array(e));
      onStored?.(true);
    },
    sendAwareness: (update) => {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, MSG_AWARENESS);
      encoding.writeVarUint8Array(e, update);
      ws.send(encoding.toUint8Array(e));
    },
    close: () => ws.close(),
  };
}

/** Connects a client of `kind` to `options.docId` and completes the sync handshake. */
export function joinDoc(kind: ServerKind, options: JoinOptions): Promise<BenchClient> {
  const timeout = options.timeoutMs ?? 20_000;
  const what = `${kind} join ${options.docId}`;
  const protocol = protocolOf(kind);
  switch (protocol) {
    case 'tandem':
      return withTimeout(joinTandem(options), timeout, what);
    case 'y-socket.io':
      return withTimeout(joinYSocketIO(options), timeout, what);
    case 'y-websocket':
    case 'hocuspocus':
      return withTimeout(joinWebSocket(protocol, options), timeout, what);
    case 'relay':
      return withTimeout(joinRelay(options), timeout, what);
  }
}
