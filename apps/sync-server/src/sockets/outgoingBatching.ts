import { Adapter } from 'socket.io-adapter';
import type { EndOfTurn } from './endOfTurn.js';

const TURN = Symbol('tandem.turn');
const FLUSH_NOW = Symbol('tandem.flushNow');
const QUEUED = Symbol('tandem.flushQueued');
const SEND_NOW = Symbol('tandem.sendNow');

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
  on(event: 'upgrade', listener: (transport: EngineTransport) => void): void;
  [TURN]?: EndOfTurn;
  [FLUSH_NOW]?: (this: EngineConnection) => void;
  [QUEUED]?: boolean;
}

interface EngineTransport {
  name: string;
  send(this: EngineTransport, packets: unknown[]): void;
  /** The `ws` WebSocket of the websocket transport. */
  socket?: { _socket?: { cork(): void; uncork(): void } };
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
  conn.flush = flushAtEndOfTurn;
  corkSends(conn.transport);
  conn.on('upgrade', corkSends);
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
