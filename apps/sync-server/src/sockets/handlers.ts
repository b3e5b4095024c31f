import type { Logger } from 'pino';
import {
  ErrorCode,
  PROTOCOL_VERSION,
  decodeSyncMessage,
  encodeStep1,
  encodeStep1FromStateVector,
  encodeStep2FromUpdate,
  isValidDocId,
  toBytes,
  type AckResult,
  type DocError,
  type SyncMessage,
} from '@tandem/crdt-bridge/protocol';
import * as Y from 'yjs';
import { OPEN_USER, atLeast, roleFor } from '../auth/roles.js';
import { Member, type TandemServerSocket } from '../rooms/Member.js';
import type { ApplyResult, TandemIo } from '../rooms/Room.js';
import { NoSuchDocument, type RoomRegistry } from '../rooms/RoomRegistry.js';
import { quotaIdentity } from '../limits/identity.js';
import type { Quotas } from '../limits/Quotas.js';
import type { DocumentStore } from '../storage/DocumentStore.js';
import type { ServerMetrics } from '../metrics.js';
import type { WriteQueue } from '../storage/WriteQueue.js';
import { TokenBucket } from '../limits/TokenBucket.js';
import { admitToDocument } from './documentAdmission.js';
import { boundOutgoingQueue, closeWithError, dropConnection } from './guards.js';

/** What the socket handlers need from the server. */
export interface HandlerDeps {
  io: TandemIo;
  /** Where traffic and latency are counted for GET /metrics; absent in some tests. */
  metrics?: ServerMetrics;
  registry: RoomRegistry;
  /** Where a join looks up (and may create) its document. */
  store: DocumentStore;
  /** Documents created per identity: a join that creates one counts. */
  quotas: Quotas;
  writes: WriteQueue;
  log: Logger;
  maxDocsPerConnection: number;
  /** Largest awareness update accepted. */
  maxAwarenessBytes: number;
  /** Incoming messages per connection: sustained rate per second and burst (token bucket). */
  rateLimit: { perSecond: number; burst: number };
  /** Bytes that may wait to be sent to one connection before it is dropped as a slow reader. */
  maxOutgoingBytes: number;
  /** A connection that joins no document this long after connecting is closed. */
  joinTimeoutMs: number;
}

type Ack = (result: AckResult) => void;

function fail(code: ErrorCode, message: string, docId?: string): AckResult {
  const error: DocError = docId === undefined ? { code, message } : { docId, code, message };
  return { ok: false, error };
}

/**
 * Wires one connection's events. Every handler checks its arguments' shapes
 * (clients are not trusted), and no handler can throw into Socket.IO: an error
 * is reported to the one client and logged, and everyone else goes on.
 */
export function handleConnection(socket: TandemServerSocket, deps: HandlerDeps): void {
  const { registry, writes, log } = deps;
  socket.data.docs = new Set();
  // Token mode sets these in the handshake middleware; open mode lets everyone do everything.
  socket.data.user ??= OPEN_USER;
  socket.data.authenticated ??= false;
  /** Members by document id, once joined. */
  const joined = new Map<string, Member>();

  // Floods: every incoming event takes a token; over the limit, the client is told and closed.
  const bucket = new TokenBucket(deps.rateLimit.perSecond, deps.rateLimit.burst);
  let limited = false;
  socket.use((_packet, next) => {
    if (limited) return;
    if (bucket.take()) return next();
    limited = true;
    log.warn({ socket: socket.id }, 'message rate limit exceeded: closing the connection');
    // Once the messages let through have been handled (Socket.IO runs handlers on the next tick).
    setImmediate(() =>
      closeWithError(socket, {
        code: ErrorCode.RateLimited,
        message: `Too many messages (more than ${deps.rateLimit.perSecond} a second); the connection is closed.`,
      }),
    );
  });

  // Slow readers: the server buffers only so much for a peer that does not read.
  boundOutgoingQueue(socket, deps.maxOutgoingBytes, () => {
    if (socket.conn.readyState === 'closed') return;
    log.warn({ socket: socket.id }, 'slow reader: too much waiting to be sent; dropping the connection');
    dropConnection(socket);
  });

  // A connection must join a document in time (one still loading gets the time it needs).
  let joinDeadline: ReturnType<typeof setTimeout> | null = null;
  const checkJoined = (): void => {
    joinDeadline = null;
    if (joined.size > 0 || !socket.connected) return;
    if (socket.data.docs.size > 0) {
      joinDeadline = setTimeout(checkJoined, deps.joinTimeoutMs);
      return;
    }
    log.info({ socket: socket.id }, 'no document joined in time: closing the connection');
    closeWithError(socket, {
      code: ErrorCode.JoinTimeout,
      message: `No document was opened within ${deps.joinTimeoutMs} ms of connecting; the connection is closed.`,
    });
  };
  joinDeadline = setTimeout(checkJoined, deps.joinTimeoutMs);
  const clearJoinDeadline = (): void => {
    if (joinDeadline) clearTimeout(joinDeadline);
    joinDeadline = null;
  };

  /** The client's acknowledgement callback; without one, a refusal still reaches it, as 'doc-error'. */
  const ackOf = (candidate: unknown): Ack => {
    if (typeof candidate === 'function') return candidate as Ack;
    return (result) => {
      if (!result.ok) socket.emit('doc-error', result.error);
    };
  };

  const guard =
    <A extends unknown[]>(event: string, handler: (...args: A) => void | Promise<void>) =>
    (...args: A): void => {
      try {
        const result = handler(...args);
        if (result instanceof Promise)
          result.catch((err: unknown) => log.error({ err, event, socket: socket.id }, 'handler failed'));
      } catch (err) {
        log.error({ err, event, socket: socket.id }, 'handler failed');
        const ack = args.at(-1);
        if (typeof ack === 'function')
          ackOf(ack)(fail(ErrorCode.Internal, 'The server could not handle this message.'));
      }
    };

  /**
   * Messages for a document whose join is still loading wait here and run once the
   * join settles, so a client may send its sync step 1 right behind its join
   * (one round trip fewer to open a document).
   */
  const joining = new Map<string, (() => void)[]>();
  /** Most messages one document may queue while its join loads. */
  const MAX_QUEUED = 64;
  const deferWhileJoining =
    <A extends unknown[]>(handler: (docId: unknown, ...rest: A) => void) =>
    (docId: unknown, ...rest: A): void => {
      const queue = typeof docId === 'string' ? joining.get(docId) : undefined;
      if (!queue) return handler(docId, ...rest);
      if (queue.length < MAX_QUEUED) queue.push(() => handler(docId, ...rest));
      else
        socket.emit('doc-error', {
          docId: docId as string,
          code: ErrorCode.RateLimited,
          message: 'Too many messages before the join finished.',
        });
    };
  /** Runs what waited for this join (after its ack, so replies follow it). */
  const settleJoin = (docId: string): void => {
    const queue = joining.get(docId);
    joining.delete(docId);
    for (const run of queue ?? []) run();
  };

  /** The member for a joined document, or an error result saying why not. */
  const memberFor = (docId: unknown): Member | AckResult => {
    if (!isValidDocId(docId)) return fail(ErrorCode.InvalidDocId, 'That is not a valid document id.');
    const member = joined.get(docId);
    // A room can drop its members (the document was deleted); forget such a membership.
    if (member && registry.get(docId)?.members.get(socket.id) !== member) {
      joined.delete(docId);
      socket.data.docs.delete(docId);
      return fail(ErrorCode.NotJoined, 'This document is no longer open here; join it again.', docId);
    }
    return member ?? fail(ErrorCode.NotJoined, 'Join the document before sending to it.', docId);
  };

  socket.on(
    'join',
    guard('join', async (request: unknown, rawAck: unknown) => {
      const ack = ackOf(rawAck);
      if (typeof request !== 'object' || request === null || Array.isArray(request))
        return ack(fail(ErrorCode.InvalidMessage, 'join expects { docId, protocol }.'));
      const { docId, protocol, sessionKey } = request as { docId?: unknown; protocol?: unknown; sessionKey?: unknown };
      if (protocol !== PROTOCOL_VERSION) {
        return ack(
          fail(
            ErrorCode.ProtocolVersionMismatch,
            `This server speaks protocol ${PROTOCOL_VERSION}; reload the page to update.`,
          ),
        );
      }
      if (!isValidDocId(docId))
        return ack(fail(ErrorCode.InvalidDocId, 'Document ids are 1–64 letters, digits, "-" or "_".'));
      // Drops a stale membership (evicted room) so the join below starts afresh.
      if (joined.has(docId)) memberFor(docId);
      if (socket.data.docs.has(docId))
        return ack(
          joined.has(docId)
            ? { ok: true, role: joined.get(docId)!.role }
            : fail(ErrorCode.InvalidMessage, 'Already joining this document.', docId),
        );
      const role = roleFor(socket.data.user, docId);
      if (role === null) {
        return ack(
          fail(ErrorCode.Forbidden, 'You do not have access to this document. Ask its owner for a link.', docId),
        );
      }
      if (socket.data.docs.size >= deps.maxDocsPerConnection) {
        return ack(
          fail(
            ErrorCode.TooManyDocuments,
            `At most ${deps.maxDocsPerConnection} documents can be open on one connection.`,
            docId,
          ),
        );
      }
      socket.data.docs.add(docId);
      joining.set(docId, []);
      let room;
      try {
        const identity = quotaIdentity(socket.data.user, socket.handshake.address);
        const refusal = await admitToDocument(deps, docId, role, identity);
        if (refusal) {
          socket.data.docs.delete(docId);
          ack({ ok: false, error: refusal });
          return settleJoin(docId);
        }
        room = await registry.acquire(docId);
      } catch (err) {
        socket.data.docs.delete(docId);
        if (err instanceof NoSuchDocument) {
          // Deleted between the check above and the load.
          ack(fail(ErrorCode.DocumentDeleted, 'This document was deleted.', docId));
          return settleJoin(docId);
        }
        log.error({ err, doc: docId }, 'document failed to load');
        ack(fail(ErrorCode.LoadFailed, 'The document could not be loaded. Try again in a moment.', docId));
        return settleJoin(docId);
      }
      if (!socket.connected || !socket.data.docs.has(docId)) {
        registry.released(room);
        return settleJoin(docId);
      }
      const key =
        typeof sessionKey === 'string' && sessionKey.length >= 16 && sessionKey.length <= 64
          ? `session:${sessionKey}`
          : `socket:${socket.id}`;
      const member = new Member(socket, key, role);
      room.addMember(member);
      joined.set(docId, member);
      clearJoinDeadline();
      ack({ ok: true, role });
      const presence = room.encodeAllAwareness();
      if (presence) socket.emit('awareness', docId, presence);
      settleJoin(docId);
    }),
  );

  socket.on(
    'leave',
    guard('leave', (docId: unknown) => {
      if (!isValidDocId(docId)) return;
      socket.data.docs.delete(docId);
      if (!joined.delete(docId)) return;
      const room = registry.get(docId);
      if (!room) return;
      room.removeMember(socket.id);
      registry.released(room);
    }),
  );

  socket.on(
    'sync',
    deferWhileJoining(
      guard('sync', (docId: unknown, payload: unknown, rawAck: unknown) => {
        const ack = ackOf(rawAck);
        const member = memberFor(docId);
        if (!(member instanceof Member)) return ack(member);
        const id = docId as string;
        const room = registry.get(id);
        if (!room) return ack(fail(ErrorCode.NotJoined, 'Join the document before sending to it.', id));
        const bytes = toBytes(payload);
        if (!bytes) return ack(fail(ErrorCode.InvalidMessage, 'sync expects binary bytes.', id));
        let message: SyncMessage;
        try {
          message = decodeSyncMessage(bytes);
        } catch {
          return ack(fail(ErrorCode.MalformedUpdate, 'That is not a well-formed sync message.', id));
        }
        switch (message.type) {
          case 'step1': {
            // Neither reply applies a document still held as stored; a newcomer gets the cached whole state.
            socket.emit('sync', id, encodeStep2FromUpdate(room.missingFor(message.stateVector)));
            socket.emit('sync', id, encodeStep1FromStateVector(room.stateVector()));
            return ack({ ok: true });
          }
          case 'step2':
          case 'update': {
            if (!atLeast(member.role, 'editor')) {
              // A viewer's step 2 is fine when it brings nothing; it is never applied either way.
              if (message.type === 'step2' && Y.parseUpdateMeta(message.update).to.size === 0) return ack({ ok: true });
              return ack(fail(ErrorCode.Forbidden, 'You can view this document but not edit it.', id));
            }
            const received = performance.now();
            deps.metrics?.updatesIn.inc();
            const answer = (result: ApplyResult): void => {
              if (!result.ok) {
                deps.metrics?.refused.inc({ code: result.error.code });
                ack(result);
                // Ask for what we lack; the client answers with a step 2 covering it.
                if (result.error.code === ErrorCode.MissingDependencies && !room.isDestroyed)
                  socket.emit('sync', id, encodeStep1(room.doc));
                return;
              }
              deps.metrics?.updatesOut.inc(Math.max(0, room.members.size - 1));
              writes.whenDurable(() => {
                deps.metrics?.ackSeconds.observe((performance.now() - received) / 1000);
                ack({ ok: true });
              });
            };
            // A large update is applied over several turns; its answer comes when it is done.
            const result = room.submitClientUpdate(message.update, member, message.type);
            if (result instanceof Promise)
              result.then(answer, (err: unknown) => {
                log.error({ err, doc: id, socket: socket.id }, 'large update failed');
                ack(fail(ErrorCode.Internal, 'The server could not apply this change.', id));
              });
            else answer(result);
            return;
          }
        }
      }),
    ),
  );

  socket.on(
    'awareness',
    deferWhileJoining(
      guard('awareness', (docId: unknown, payload: unknown) => {
        const member = memberFor(docId);
        if (!(member instanceof Member)) {
          if (!member.ok) socket.emit('doc-error', member.error);
          return;
        }
        const id = docId as string;
        const bytes = toBytes(payload);
        const room = registry.get(id);
        if (!room) return;
        if (!bytes || bytes.byteLength > deps.maxAwarenessBytes) {
          socket.emit('doc-error', {
            docId: id,
            code: bytes ? ErrorCode.MessageTooLarge : ErrorCode.InvalidMessage,
            message: 'Presence update refused.',
          });
          return;
        }
        const result = room.applyAwareness(
          bytes,
          member,
          socket.data.authenticated ? socket.data.user.name : undefined,
        );
        if (!result.ok) socket.emit('doc-error', result.error);
      }),
    ),
  );

  socket.on(
    'probe',
    guard('probe', (rawAck: unknown) => {
      ackOf(rawAck)({ ok: true });
    }),
  );

  socket.on('disconnect', (reason) => {
    clearJoinDeadline();
    try {
      for (const [docId] of joined) {
        const room = registry.get(docId);
        if (!room) continue;
        room.removeMember(socket.id);
        registry.released(room);
      }
      joined.clear();
      socket.data.docs.clear();
      log.debug({ socket: socket.id, reason }, 'disconnected');
    } catch (err) {
      log.error({ err, socket: socket.id }, 'disconnect cleanup failed');
    }
  });
}
