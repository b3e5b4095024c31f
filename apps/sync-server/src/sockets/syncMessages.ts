import {
  ErrorCode,
  decodeSyncMessage,
  encodeStep1FromStateVector,
  encodeStep2FromUpdate,
  toBytes,
  type SyncMessage,
} from '@tandem/crdt-bridge/protocol';
import * as Y from 'yjs';
import { atLeast } from '../auth/roles.js';
import type { Member } from '../rooms/Member.js';
import type { ApplyResult, Room } from '../rooms/Room.js';
import { fail, type Ack, type Connection } from './Connection.js';

/**
 * Runs `handler` now, or — while the join of its document is still loading — once the
 * join settles, so a client may send its sync step 1 right behind its join.
 */
export function deferWhileJoining(
  handler: (conn: Connection, docId: unknown, ...rest: unknown[]) => void,
): (conn: Connection, docId: unknown, ...rest: unknown[]) => void {
  return (conn, docId, ...rest) => {
    if (typeof docId !== 'string') return handler(conn, docId, ...rest);
    const deferred = conn.memberships.defer(docId, () => handler(conn, docId, ...rest));
    if (deferred === 'not-joining') handler(conn, docId, ...rest);
    // Refused in its ack when it has one, as 'doc-error' otherwise; the connection stays.
    else if (deferred === 'full')
      conn.ackOf(rest.at(-1))(fail(ErrorCode.RateLimited, 'Too many messages before the join finished.', docId));
  };
}

/** Answers a client's update once applied: refused at once, or acknowledged once its ticket is durable. */
function answerUpdate(conn: Connection, room: Room, ack: Ack, received: number, result: ApplyResult): void {
  const { metrics } = conn.deps;
  if (!result.ok) {
    metrics?.refused.inc({ code: result.error.code });
    ack(result);
    // Ask for what we lack; the client answers with a step 2 covering it.
    if (result.error.code === ErrorCode.MissingDependencies && !room.isDestroyed)
      conn.socket.emit('sync', room.id, encodeStep1FromStateVector(room.stateVector()));
    return;
  }
  metrics?.updatesOut.inc(Math.max(0, room.members.size - 1));
  result.ticket.whenDurable(() => {
    metrics?.ackSeconds.observe((performance.now() - received) / 1000);
    ack({ ok: true });
  });
}

/**
 * A step 2 or an update: refused for a viewer; from a commenter up, applied once the room's
 * rules (ContentIntake, UpdatePolicy) allow it — its ack waits for storage.
 */
function applyUpdate(
  conn: Connection,
  { member, room }: { member: Member; room: Room },
  message: SyncMessage & { type: 'step2' | 'update' },
  ack: Ack,
): void {
  if (!atLeast(member.role, 'commenter')) {
    // A viewer's step 2 is fine when it brings nothing; it is never applied either way.
    if (message.type === 'step2' && Y.parseUpdateMeta(message.update).to.size === 0) return ack({ ok: true });
    return ack(fail(ErrorCode.Forbidden, 'You can view this document but not edit it.', room.id));
  }
  const received = performance.now();
  conn.deps.metrics?.updatesIn.inc();
  // A large update is applied over several turns; its answer comes when it is done.
  const result = room.submitClientUpdate(message.update, member, message.type);
  if (!(result instanceof Promise)) return answerUpdate(conn, room, ack, received, result);
  result.then(
    (settled) => answerUpdate(conn, room, ack, received, settled),
    (err: unknown) => {
      conn.deps.log.error({ err, doc: room.id, socket: conn.id }, 'large update failed');
      ack(fail(ErrorCode.Internal, 'The server could not apply this change.', room.id));
    },
  );
}

/** `sync`: a y-protocols sync message for a joined document. */
export function syncMessage(conn: Connection, docId: unknown, payload: unknown, rawAck: unknown): void {
  const ack = conn.ackOf(rawAck);
  const joined = conn.joined(docId);
  if (!('member' in joined)) return ack(joined);
  const { room } = joined;
  const bytes = toBytes(payload);
  if (!bytes) return ack(fail(ErrorCode.InvalidMessage, 'sync expects binary bytes.', room.id));
  let message: SyncMessage;
  try {
    message = decodeSyncMessage(bytes);
  } catch {
    return ack(fail(ErrorCode.MalformedUpdate, 'That is not a well-formed sync message.', room.id));
  }
  if (message.type === 'step1') {
    // Neither reply applies a document still held as stored; a newcomer gets the cached whole state.
    conn.socket.emit('sync', room.id, encodeStep2FromUpdate(room.missingFor(message.stateVector)));
    conn.socket.emit('sync', room.id, encodeStep1FromStateVector(room.stateVector()));
    return ack({ ok: true });
  }
  applyUpdate(conn, joined, message, ack);
}

/** `awareness`: a presence update for a joined document (no ack: refusals come as 'doc-error'). */
export function awarenessMessage(conn: Connection, docId: unknown, payload: unknown): void {
  const joined = conn.joined(docId);
  if (!('member' in joined)) {
    if (!joined.ok) conn.socket.emit('doc-error', joined.error);
    return;
  }
  const { member, room } = joined;
  const bytes = toBytes(payload);
  if (!bytes || bytes.byteLength > conn.deps.maxAwarenessBytes) {
    conn.socket.emit('doc-error', {
      docId: room.id,
      code: bytes ? ErrorCode.MessageTooLarge : ErrorCode.InvalidMessage,
      message: 'Presence update refused.',
    });
    return;
  }
  const { data } = conn.socket;
  // A link that names nobody ("") lets each person choose their own name.
  const result = room.applyAwareness(bytes, member, data.authenticated && data.user.name ? data.user.name : undefined);
  if (!result.ok) conn.socket.emit('doc-error', result.error);
}
