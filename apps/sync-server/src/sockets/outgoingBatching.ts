import { Adapter } from 'socket.io-adapter';
import type { EndOfTurn } from './endOfTurn.js';

/**
 * The parts of an Engine.IO 6.6 connection this module relies on (not in its
 * public typings). Checked at runtime: if a future version changes them, batching
 * is skipped and the server behaves as stock Socket.IO.
 */
interface EngineConnection {
  flush(): void;
  transport: EngineTransport;
  on(event: 'upgrade', listener: (transport: EngineTransport) => void): void;
}

interface EngineTransport {
  name: string;
  send(packets: unknown[]): void;
  /** The `ws` WebSocket of the websocket transport. */
  socket?: { _socket?: { cork(): void; uncork(): void } };
}

function isEngineConnection(value: unknown): value is EngineConnection {
  const conn = value as Partial<EngineConnection> | null;
  return typeof conn?.flush === 'function' && typeof conn.transport?.send === 'function';
}

/** Writes a multi-packet send as one `writev` instead of one syscall per packet. */
function corkSends(transport: EngineTransport): void {
  const raw = transport.name === 'websocket' ? transport.socket?._socket : undefined;
  if (!raw || typeof raw.cork !== 'function') return;
  const send = transport.send.bind(transport);
  transport.send = (packets) => {
    if (packets.length < 2) return send(packets);
    raw.cork();
    try {
      send(packets);
    } finally {
      raw.uncork();
    }
  };
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
  const flushNow = conn.flush.bind(conn);
  let queued = false;
  const flushQueued = (): void => {
    queued = false;
    flushNow();
  };
  conn.flush = () => {
    if (queued) return;
    queued = true;
    turn.defer('network', flushQueued);
  };
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
