import { Adapter } from 'socket.io-adapter';
import type { EndOfTurn } from './endOfTurn.js';

const TURN = Symbol('tandem.turn');
const FLUSH_NOW = Symbol('tandem.flushNow');
const QUEUED = Symbol('tandem.flushQueued');
const SEND_NOW = Symbol('tandem.sendNow');
const CORKED = Symbol('tandem.corkedUntilEndOfTurn');

/**
 * The parts of an Engine.IO 6.6 connection this module relies on (not in its
 * public typings). Checked at runtime: if a future version changes them, batching
 * is skipped and the server behaves as stock Socket.IO.
 *
 * What batching needs per connection is kept on the connection itself under symbols,
 * and its methods are replaced by functions shared by every connection: a closure per
 * connection would cost ~0.4 KB each at 20,000 connections.
 */
interface EngineConnection {
  flush(this: EngineConnection): void;
  transport: EngineTransport;
  readyState: string;
  upgrading: boolean;
  /** Packets waiting for the transport (private in Engine.IO's typings). */
  writeBuffer: unknown[];
  on(event: 'upgrade', listener: (transport: EngineTransport) => void): void;
  [TURN]?: EndOfTurn;
  [FLUSH_NOW]?: (this: EngineConnection) => void;
  [QUEUED]?: boolean;
  /** The TCP socket a direct frame corked in this turn, uncorked at its end. */
  [CORKED]?: RawSocket | null;
}

/** The TCP socket under a `ws` WebSocket. */
interface RawSocket {
  cork(): void;
  uncork(): void;
  /** Bytes written but not yet taken by the kernel. */
  writableLength: number;
  destroyed: boolean;
}

interface EngineTransport {
  name: string;
  /** False while the transport's own last send is still being written. */
  writable: boolean;
  perMessageDeflate?: unknown;
  send(this: EngineTransport, packets: unknown[]): void;
  /** The `ws` WebSocket of the websocket transport. */
  socket?: { readyState?: number; _socket?: RawSocket; _sender?: { sendFrame(frame: Buffer[]): void } };
  [SEND_NOW]?: (this: EngineTransport, packets: unknown[]) => void;
}

function isEngineConnection(value: unknown): value is EngineConnection {
  const conn = value as Partial<EngineConnection> | null;
  return typeof conn?.flush === 'function' && typeof conn.transport?.send === 'function';
}

/** A multi-packet send, written as one `writev` instead of one syscall per packet. */
function corkedSend(this: EngineTransport, packets: unknown[]): void {
  const send = this[SEND_NOW]!;
  const raw = this.socket?._socket;
  if (packets.length < 2 || !raw) return send.call(this, packets);
  raw.cork();
  try {
    send.call(this, packets);
  } finally {
    raw.uncork();
  }
}

/** Makes a websocket transport cork its multi-packet sends. */
function corkSends(transport: EngineTransport): void {
  const raw = transport.name === 'websocket' ? transport.socket?._socket : undefined;
  if (!raw || typeof raw.cork !== 'function') return;
  transport[SEND_NOW] = transport.send;
  transport.send = corkedSend;
}

/** Engine.IO calls `this.flush()` whenever it has queued a packet: wait for the end of the turn. */
function flushAtEndOfTurn(this: EngineConnection): void {
  if (this[QUEUED]) return;
  this[QUEUED] = true;
  this[TURN]!.defer('network', flushQueued, this);
}

function flushQueued(conn: EngineConnection): void {
  conn[QUEUED] = false;
  conn[FLUSH_NOW]!.call(conn);
}

/**
 * Makes a connection send what it is given during one event-loop turn together,
 * at the end of the turn: the packets queue in Engine.IO's write buffer (which
 * already exists for the time a write is in flight) and leave in one write.
 * Under load a reader gets every update of a turn in one syscall instead of one
 * per update; idle, a message still leaves in the turn it was produced.
 */
export function batchConnectionWrites(rawConn: unknown, turn: EndOfTurn): void {
  if (!isEngineConnection(rawConn)) return;
  const conn = rawConn;
  conn[TURN] = turn;
  conn[QUEUED] = false;
  conn[FLUSH_NOW] = conn.flush;
  conn[CORKED] = null;
  conn.flush = flushAtEndOfTurn;
  corkSends(conn.transport);
  conn.on('upgrade', corkSends);
}

const WS_OPEN = 1;

function uncorkAtEndOfTurn(conn: EngineConnection): void {
  const raw = conn[CORKED];
  conn[CORKED] = null;
  raw?.uncork();
}

/**
 * Writes a broadcast's pre-built frame (see {@link binaryFrame}) straight to the connection's
 * WebSocket, past Engine.IO's per-packet queue, flush and send callbacks; false when it must go
 * the usual way (`conn.write`). Only when nothing of this connection waits anywhere — Engine.IO's
 * queue empty and not flushing, the kernel has taken every earlier byte — so order is kept and a
 * reader that stops reading soon falls back to the queue, where its bound applies (guards.ts).
 * The TCP socket stays corked until the end of the turn: a turn's frames still leave in one write.
 */
export function sendFrameDirectly(rawConn: unknown, frame: Buffer[]): boolean {
  const conn = rawConn as EngineConnection;
  if (conn[TURN] === undefined || conn[QUEUED] || conn.writeBuffer.length > 0) return false;
  if (conn.readyState !== 'open' || conn.upgrading) return false;
  const { transport } = conn;
  if (transport.name !== 'websocket' || !transport.writable || transport.perMessageDeflate) return false;
  const ws = transport.socket;
  const raw = ws?._socket;
  if (!raw || !ws._sender || ws.readyState !== WS_OPEN || raw.destroyed) return false;
  if (conn[CORKED] !== raw) {
    if (raw.writableLength > 0) return false;
    raw.cork();
    conn[CORKED] = raw;
    conn[TURN].defer('network', uncorkAtEndOfTurn, conn);
  }
  ws._sender.sendFrame(frame);
  return true;
}

/**
 * A final, unmasked, uncompressed binary WebSocket frame (RFC 6455 §5.2) for
 * `payload`, as the header and payload buffers `ws` writes with one `writev`.
 */
export function binaryFrame(payload: Buffer): Buffer[] {
  const length = payload.length;
  let header: Buffer;
  if (length < 126) {
    header = Buffer.from([0x82, length]);
  } else if (length < 0x10000) {
    header = Buffer.allocUnsafe(4);
    header[0] = 0x82;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.allocUnsafe(10);
    header[0] = 0x82;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return [header, payload];
}

interface EncodeOptions {
  wsPreEncodedFrame?: unknown;
}

type Encode = (packet: unknown, packetOpts: EncodeOptions) => unknown[];

/**
 * socket.io-adapter encodes a broadcast once but frames it once per recipient
 * unless the packet is text. With the MessagePack parser every packet is one
 * binary buffer, so frame that once too: each recipient's socket then writes
 * the same two buffers (header, payload) without allocating anything.
 */
export class PreFramedAdapter extends Adapter {
  constructor(...args: ConstructorParameters<typeof Adapter>) {
    super(...args);
    // `_encode` is internal to socket.io-adapter 2.5 (private in its typings); shadow it on the instance.
    const self = this as unknown as { _encode: Encode };
    const encode = self._encode.bind(this);
    self._encode = (packet, packetOpts) => {
      const encoded = encode(packet, packetOpts);
      const [only] = encoded;
      if (encoded.length === 1 && packetOpts.wsPreEncodedFrame === undefined && Buffer.isBuffer(only)) {
        packetOpts.wsPreEncodedFrame = binaryFrame(only);
      }
      return encoded;
    };
  }
}
