/**
 * A Tandem client written from packages/crdt-bridge/PROTOCOL.md alone, as a third-party
 * author would write one: it knows nothing of Tandem's code, only of the packages the
 * spec names. The conformance test checks that it imports nothing else, so whatever
 * this client needs to know and the spec does not say is a gap in the spec.
 */
import { io, type Socket } from 'socket.io-client';
import msgpackParser from 'socket.io-msgpack-parser';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** PROTOCOL.md, "Tandem protocol 2". */
export const PROTOCOL = 2;

/** An error as the spec's AckResult and `doc-error` carry it. */
export interface WireError {
  docId?: string;
  code: string;
  message: string;
}

/** The spec's AckResult. */
export type AckResult = { ok: true; role?: string } | { ok: false; error: WireError };

/** Where an error arrived, in the words of the spec's "arrives as" column. */
export type Channel = '`join` ack' | '`sync` ack' | '`doc-error`' | '`connect_error`';

/** One error this client received, and how. */
export interface SeenError {
  channel: Channel;
  error: WireError;
}

/** What `connect` needs besides the server's address. */
export interface ConnectOptions {
  /** Token mode: sent as CONNECT's `data.token`. */
  token?: string;
  /** An Origin header, as a browser would send it (Node sends none). */
  origin?: string;
}

/** Raised when the handshake is refused; `code` is CONNECT_ERROR's `data.code`, if any. */
export class HandshakeRefused extends Error {
  override readonly name = 'HandshakeRefused';

  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/**
 * Bytes as the spec says to send them from Node: a Buffer over exactly the view's
 * window (pitfall 1: a bare Uint8Array would go out as its whole underlying buffer).
 */
export function toWire(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Received bytes (a Buffer window in Node, an ArrayBuffer in browsers) as a Uint8Array (pitfall 3). */
export function fromWire(value: unknown): Uint8Array {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError('expected bytes from the server');
}

type Listener = (docId: string, bytes: Uint8Array) => void;

/** One Socket.IO connection to a Tandem server, speaking the spec's events. */
export class StrangerClient {
  /** Every refusal received, in order, with the channel it came on. */
  readonly errors: SeenError[] = [];
  private readonly syncListeners = new Set<Listener>();
  private readonly awarenessListeners = new Set<Listener>();

  private constructor(readonly socket: Socket) {
    socket.on('doc-error', (error: WireError) => this.errors.push({ channel: '`doc-error`', error }));
    socket.on('sync', (docId: string, payload: unknown) => {
      for (const listener of this.syncListeners) listener(docId, fromWire(payload));
    });
    socket.on('awareness', (docId: string, payload: unknown) => {
      for (const listener of this.awarenessListeners) listener(docId, fromWire(payload));
    });
  }

  /** Connects (WebSocket, MessagePack codec); rejects with HandshakeRefused. */
  static connect(url: string, options: ConnectOptions = {}): Promise<StrangerClient> {
    const socket = io(url, {
      transports: ['websocket'],
      parser: msgpackParser,
      reconnection: false,
      forceNew: true,
      ...(options.token === undefined ? {} : { auth: { token: options.token } }),
      ...(options.origin === undefined ? {} : { extraHeaders: { origin: options.origin } }),
    });
    const client = new StrangerClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(client));
      socket.once('connect_error', (err: Error & { data?: { code?: string } }) => {
        const code = err.data?.code;
        if (code !== undefined)
          client.errors.push({ channel: '`connect_error`', error: { code, message: err.message } });
        socket.disconnect();
        reject(new HandshakeRefused(err.message, code));
      });
    });
  }

  /** Joins a document; resolves with the join's AckResult. */
  join(docId: string, request: { protocol?: unknown; sessionKey?: string } = {}): Promise<AckResult> {
    return this.call('join', { docId, protocol: PROTOCOL, ...request });
  }

  /** Sends a sync message (or, to test the server, anything else) with an ack. */
  sync(docId: string, message: unknown): Promise<AckResult> {
    return this.call('sync', docId, message instanceof Uint8Array ? toWire(message) : message);
  }

  /** Sends an awareness update; the spec gives it no ack (refusals come as `doc-error`). */
  awareness(docId: string, update: unknown): void {
    this.socket.emit('awareness', docId, update instanceof Uint8Array ? toWire(update) : update);
  }

  /** Leaves a document. */
  leave(docId: string): void {
    this.socket.emit('leave', docId);
  }

  /** The liveness check. */
  probe(): Promise<AckResult> {
    return new Promise((resolve) => this.socket.emit('probe', resolve));
  }

  /** Listens to the server's `sync` messages; returns a function that stops listening. */
  onSync(listener: Listener): () => void {
    this.syncListeners.add(listener);
    return () => this.syncListeners.delete(listener);
  }

  /** Listens to the server's `awareness` messages; returns a function that stops listening. */
  onAwareness(listener: Listener): () => void {
    this.awarenessListeners.add(listener);
    return () => this.awarenessListeners.delete(listener);
  }

  /** Closes the connection. */
  close(): void {
    this.socket.disconnect();
  }

  /** Emits `event` with exactly `args` and an ack (for arguments `join` and `sync` would not send). */
  call(event: 'join' | 'sync', ...args: unknown[]): Promise<AckResult> {
    return new Promise((resolve) => {
      this.socket.emit(event, ...args, (result: AckResult) => {
        if (!result.ok)
          this.errors.push({ channel: event === 'join' ? '`join` ack' : '`sync` ack', error: result.error });
        resolve(result);
      });
    });
  }
}

/** The sync messages of PROTOCOL.md, "Encodings". */
export const SyncType = { Step1: 0, Step2: 1, Update: 2 } as const;

/** A sync message: its type byte and a varUint8Array payload. */
export function syncMessage(type: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

/** Origin of changes that came from the server, so they are not sent back as the client's own. */
const FROM_SERVER = Symbol('from the server');

/**
 * One document kept in sync with the server through a StrangerClient, per the spec's
 * "Join and initial sync" and "Editing": own edits go out as `update` with an ack,
 * the server's step 1 is answered with a step 2, and its updates are applied.
 */
export class Replica {
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  /** Sync acks still awaited; zero means "Saved". */
  unacknowledged = 0;
  /** Results of every ack this replica received for its step 2s and updates, in order. */
  readonly acks: AckResult[] = [];
  /** Set once the server's step 2 arrived and its step 1 was answered: both sides have been offered everything. */
  synced = false;
  private receivedStep2 = false;
  private readonly stop: (() => void)[] = [];

  constructor(
    readonly client: StrangerClient,
    readonly docId: string,
    options: { clientId?: number; doc?: Y.Doc } = {},
  ) {
    this.doc = options.doc ?? new Y.Doc();
    if (options.clientId !== undefined) this.doc.clientID = options.clientId;
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.awareness.setLocalState(null);
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === FROM_SERVER) return;
      const encoder = encoding.createEncoder();
      syncProtocol.writeUpdate(encoder, update);
      this.send(encoding.toUint8Array(encoder));
    });
    this.stop.push(client.onSync((docId, bytes) => docId === this.docId && this.receiveSync(bytes)));
    this.stop.push(
      client.onAwareness(
        (docId, bytes) =>
          docId === this.docId && awarenessProtocol.applyAwarenessUpdate(this.awareness, bytes, FROM_SERVER),
      ),
    );
  }

  /** Joins and sends step 1 right behind the join; resolves with the join's ack. */
  async open(sessionKey?: string): Promise<AckResult> {
    const joined = this.client.join(this.docId, sessionKey === undefined ? {} : { sessionKey });
    const encoder = encoding.createEncoder();
    syncProtocol.writeSyncStep1(encoder, this.doc);
    void this.client.sync(this.docId, encoding.toUint8Array(encoder));
    return joined;
  }

  /** Sets this client's presence and sends it. */
  setPresence(state: Record<string, unknown> | null): void {
    this.awareness.setLocalState(state);
    this.client.awareness(this.docId, awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.doc.clientID]));
  }

  /** Stops following the server. */
  detach(): void {
    for (const stop of this.stop) stop();
  }

  /** A step 1 is answered with a step 2 (with an ack); a step 2 or an update is applied. */
  private receiveSync(bytes: Uint8Array): void {
    const reply = encoding.createEncoder();
    const type = syncProtocol.readSyncMessage(decoding.createDecoder(bytes), reply, this.doc, FROM_SERVER);
    if (encoding.length(reply) > 0) this.send(encoding.toUint8Array(reply));
    if (type === SyncType.Step2) this.receivedStep2 = true;
    if (type === SyncType.Step1 && this.receivedStep2) this.synced = true;
  }

  private send(message: Uint8Array): void {
    this.unacknowledged++;
    void this.client.sync(this.docId, message).then((result) => {
      this.unacknowledged--;
      this.acks.push(result);
    });
  }
}
