import { io, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { ErrorCode } from '../protocol/errors.js';
import { toBytes } from '../protocol/events.js';
import { WIRE_PARSER } from '../protocol/parser.js';
import { DocSession, type SessionHost } from './DocSession.js';
import type { TandemSocket } from './socket.js';

function randomKey(): string {
  const bytes = new Uint8Array(18);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** First wait before connecting again after the server said it is full; it doubles up to the maximum. */
const BUSY_FIRST_DELAY_MS = 1_000;
const BUSY_MAX_DELAY_MS = 30_000;

/** Options for {@link TandemClient}. */
export interface TandemClientOptions {
  /** Server origin, e.g. `http://localhost:3000`; defaults to the page's own origin. */
  url?: string;
  /** How long a change may wait for its "stored" acknowledgement before the connection is probed. */
  ackTimeoutMs?: number;
  /** How long the probe may take before the connection is declared dead and rebuilt. */
  probeTimeoutMs?: number;
  /** Extra Socket.IO options (reconnection delays, auth…). */
  socket?: Partial<ManagerOptions & SocketOptions>;
}

/** Options for {@link TandemClient.open}. */
export interface OpenOptions {
  /** The document to sync into; a new one is made when absent. */
  doc?: Y.Doc;
  /** Presence to relay for this document; none when absent. */
  awareness?: Awareness;
}

/**
 * One Socket.IO connection multiplexing any number of documents. Reconnects with
 * backoff, re-joins and re-syncs every open document, and rebuilds a connection
 * that stays open but stops acknowledging (half-open).
 */
export class TandemClient implements SessionHost {
  readonly socket: TandemSocket;
  /** Random per client; binds this client's presence to it across reconnects. */
  readonly sessionKey: string = randomKey();
  private readonly sessions = new Map<string, DocSession>();
  private readonly ackTimeoutMs: number;
  private readonly probeTimeoutMs: number;
  private connectedOnce = false;
  private probing = false;
  /** Set when the server closed an idle connection (no document open): reconnect on the next open(). */
  private dormant = false;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  /** Pending retry after the server refused the connection as full (SERVER_BUSY), and how long the next waits. */
  private busyRetry: ReturnType<typeof setTimeout> | null = null;
  private busyDelayMs = BUSY_FIRST_DELAY_MS;

  constructor(options: TandemClientOptions = {}) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.probeTimeoutMs = options.probeTimeoutMs ?? 5_000;
    const socketOptions: Partial<ManagerOptions & SocketOptions> = {
      transports: ['websocket'],
      parser: WIRE_PARSER,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5_000,
      randomizationFactor: 0.5,
      ...options.socket,
    };
    this.socket = (options.url === undefined ? io(socketOptions) : io(options.url, socketOptions)) as TandemSocket;
    this.socket.on('connect', this.onConnect);
    this.socket.on('disconnect', this.onDisconnect);
    this.socket.on('connect_error', this.onConnectError);
    this.socket.on('sync', (docId, payload) => this.route(docId, (s) => s.handleSync(this.bytes(payload))));
    this.socket.on('awareness', (docId, payload) => this.route(docId, (s) => s.handleAwareness(this.bytes(payload))));
    this.socket.on('doc-error', (error) => {
      if (error.code === ErrorCode.JoinTimeout) return this.onJoinTimeout();
      if (error.docId === undefined) for (const s of this.sessions.values()) s.handleError(error);
      else this.route(error.docId, (s) => s.handleError(error));
    });
    this.watchdog = setInterval(this.checkAcks, Math.max(250, Math.min(this.ackTimeoutMs / 4, 2_000)));
  }

  /** Whether the socket has connected at least once (so a drop reads as "offline", not "connecting"). */
  get hasConnected(): boolean {
    return this.connectedOnce;
  }

  /** Opens `docId` on this connection; one session per document id. */
  open(docId: string, options: OpenOptions = {}): DocSession {
    if (this.sessions.has(docId)) throw new RangeError(`document ${docId} is already open on this client`);
    const session = new DocSession(this, docId, options.doc ?? new Y.Doc(), options.awareness ?? null);
    this.sessions.set(docId, session);
    if (this.socket.connected) session.handleConnect();
    else if (this.dormant) {
      this.dormant = false;
      this.socket.connect();
    }
    return session;
  }

  /** Drops the connection and builds a new one, re-syncing every open document. */
  reconnect(): void {
    this.socket.disconnect();
    this.socket.connect();
  }

  /** Leaves every document and closes the connection for good. */
  destroy(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    if (this.busyRetry) clearTimeout(this.busyRetry);
    this.busyRetry = null;
    for (const session of [...this.sessions.values()]) session.destroy();
    this.socket.disconnect();
  }

  /** @internal Called by a session as it is destroyed. */
  release(session: DocSession): void {
    if (this.sessions.get(session.docId) === session) this.sessions.delete(session.docId);
  }

  /**
   * The server closes a connection that has no document open for a while. With nothing
   * open, stay disconnected until something is; otherwise let the socket reconnect (and
   * the sessions try their joins again).
   */
  private onJoinTimeout(): void {
    if (this.sessions.size > 0) return;
    this.dormant = true;
    this.socket.disconnect();
  }

  private readonly onConnect = (): void => {
    this.connectedOnce = true;
    this.busyDelayMs = BUSY_FIRST_DELAY_MS;
    for (const session of this.sessions.values()) session.handleConnect();
  };

  private readonly onDisconnect = (): void => {
    for (const session of this.sessions.values()) session.handleDisconnect();
  };

  private readonly onConnectError = (error: Error & { data?: { code?: unknown } }): void => {
    // A failed first attempt means we are offline rather than still connecting.
    this.connectedOnce = true;
    if (error.data?.code === ErrorCode.Unauthorized) {
      // The server refused us in its handshake; Socket.IO will not retry, and neither should we.
      for (const session of this.sessions.values()) {
        session.handleError({ code: ErrorCode.Unauthorized, message: error.message });
      }
      return;
    }
    if (error.data?.code === ErrorCode.ServerBusy) {
      // Socket.IO does not retry a refused handshake by itself; come back later, backing off, with jitter.
      for (const session of this.sessions.values()) {
        session.handleError({ code: ErrorCode.ServerBusy, message: error.message });
      }
      if (this.busyRetry) clearTimeout(this.busyRetry);
      const delay = this.busyDelayMs * (0.5 + Math.random());
      this.busyDelayMs = Math.min(BUSY_MAX_DELAY_MS, this.busyDelayMs * 2);
      this.busyRetry = setTimeout(() => {
        this.busyRetry = null;
        this.socket.connect();
      }, delay);
      return;
    }
    for (const session of this.sessions.values()) session.refreshStatus();
  };

  /**
   * Half-open detection: when a change has waited too long for its acknowledgement,
   * ask the server for a bare reply. A server that answers is alive but slow (its
   * storage may be failing; it will acknowledge later); one that does not is gone.
   */
  private readonly checkAcks = (): void => {
    if (this.probing || !this.socket.connected) return;
    const now = Date.now();
    let overdue = false;
    for (const session of this.sessions.values()) {
      const since = session.oldestPendingSince();
      if (since !== null && now - since > this.ackTimeoutMs) overdue = true;
    }
    if (!overdue) return;
    this.probing = true;
    const socket = this.socket;
    socket.timeout(this.probeTimeoutMs).emit('probe', (err: Error | null) => {
      this.probing = false;
      if (err && socket.connected) this.reconnect();
    });
  };

  private route(docId: unknown, handle: (session: DocSession) => void): void {
    if (typeof docId !== 'string') return;
    const session = this.sessions.get(docId);
    if (session) handle(session);
  }

  private bytes(payload: unknown): Uint8Array {
    const bytes = toBytes(payload);
    if (!bytes) throw new TypeError('server sent a non-binary payload');
    return bytes;
  }
}
