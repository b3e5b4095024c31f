import type { DocError } from '@tandem/crdt-bridge/protocol';
import type { TandemServerSocket } from './types.js';

/** How long a connection closed with an error may take to deliver it before it is cut anyway. */
const CLOSE_GRACE_MS = 2_000;

/**
 * Tells the client why, then closes its connection at the transport level. Clients see a
 * dropped connection (not a Socket.IO "server disconnect"), so a well-behaved one reconnects
 * with its usual backoff and re-syncs; a client that will not even read the error is cut.
 */
export function closeWithError(socket: TandemServerSocket, error: DocError): void {
  socket.emit('doc-error', error);
  // Waits until what is queued (the error) is written, then closes.
  socket.conn.close();
  setTimeout(() => {
    if (socket.conn.readyState !== 'closed') dropConnection(socket);
  }, CLOSE_GRACE_MS).unref();
}

/**
 * Closes a connection at once, discarding whatever waits to be sent to it: for a peer
 * that does not read, whose unread bytes are of no use (it re-syncs when it reconnects).
 */
export function dropConnection(socket: TandemServerSocket): void {
  const conn = socket.conn;
  // The WebSocket under the transport (none for long-polling); its close handshake would
  // wait for the peer, holding the unread bytes, so it is terminated outright.
  const ws = (conn.transport as unknown as { socket?: { terminate?: () => void } }).socket;
  conn.close(true);
  ws?.terminate?.();
}

/** Each queued packet counts at least this much, for the bookkeeping around its bytes. */
const PACKET_OVERHEAD_BYTES = 64;

function packetBytes(data: unknown): number {
  if (typeof data === 'string') return data.length;
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

/** What is told when too much waits to be sent to a connection. */
export interface OverflowListener {
  overflowed(): void;
}

/** Engine.IO's connection, as far as the bound below needs it (`writeBuffer` is not in its typings). */
interface EngineConnection {
  writeBuffer: unknown[];
  on(event: 'packetCreate', listener: (this: EngineConnection, packet: { data?: unknown }) => void): void;
  [OUTGOING]?: OutgoingBound;
}

const OUTGOING = Symbol('tandem.outgoingBound');

/** One connection's count of what waits in Engine.IO's queue. */
class OutgoingBound {
  queued = 0;
  largest = 0;
  tripped = false;

  constructor(
    readonly maxBytes: number,
    readonly listener: OverflowListener,
  ) {}
}

/** Engine.IO emits with the connection as `this`: one listener function serves every connection. */
function countQueued(this: EngineConnection, packet: { data?: unknown }): void {
  const bound = this[OUTGOING];
  if (!bound || bound.tripped) return;
  // Called before the packet joins the queue; an empty queue means everything earlier went out.
  if (this.writeBuffer.length === 0) {
    bound.queued = 0;
    bound.largest = 0;
  }
  const bytes = packetBytes(packet.data) + PACKET_OVERHEAD_BYTES;
  bound.queued += bytes;
  bound.largest = Math.max(bound.largest, bytes);
  if (bound.queued - bound.largest > bound.maxBytes) {
    bound.tripped = true;
    process.nextTick(() => bound.listener.overflowed());
  }
}

/**
 * Bounds what the server buffers for a connection that does not read. Engine.IO queues
 * packets while the transport is still writing earlier ones (the peer's TCP window is
 * full); once more than `maxBytes` wait there, not counting the largest single packet
 * (a big document's initial sync must always be able to go out), `listener` is told,
 * once, on the next tick (never in the middle of a broadcast).
 */
export function boundOutgoingQueue(socket: TandemServerSocket, maxBytes: number, listener: OverflowListener): void {
  const conn = socket.conn as unknown as EngineConnection;
  conn[OUTGOING] = new OutgoingBound(maxBytes, listener);
  conn.on('packetCreate', countQueued);
}
