import type { TandemServerSocket } from './types.js';

/** Node's EventEmitter, as far as its listener map goes (`_events` is not in its typings). */
interface Emitter {
  _events?: Record<string | symbol, unknown>;
}

/**
 * Rewrites an emitter's listener map as an object V8 keeps in fast mode. Node's EventEmitter
 * makes it as `{ __proto__: null }`, which V8 keeps as a hash table (a dictionary): ~550 bytes
 * for six events where the same keys in a fast object take ~180. The copy has the same null
 * prototype, keys, order and values, and EventEmitter reads `this._events` afresh on every
 * call, so nothing else changes; a later `delete` (a last listener removed) makes it a
 * dictionary again, as it was.
 */
function compact(emitter: Emitter | undefined): void {
  const events = emitter?._events;
  if (!events || Object.getPrototypeOf(events) !== null) return;
  // setPrototypeOf(null) on a fresh `{}` keeps it fast, where a null-prototype literal does not.
  const fast = Object.setPrototypeOf({}, null) as Record<string | symbol, unknown>;
  emitter._events = Object.assign(fast, events);
}

/**
 * Compacts the listener maps of a connection's four long-lived emitters (Socket.IO's socket,
 * Engine.IO's connection and its WebSocket transport, and ws' WebSocket under it): ~1.3 KB
 * of heap per idle connection, once its listeners are all set.
 */
export function compactListenerMaps(socket: TandemServerSocket): void {
  const conn = socket.conn as unknown as Emitter & { transport?: Emitter & { socket?: Emitter } };
  compact(socket as unknown as Emitter);
  compact(conn);
  compact(conn.transport);
  compact(conn.transport?.socket);
}
