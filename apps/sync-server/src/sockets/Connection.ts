import type { Logger } from 'pino';
import { ErrorCode, isValidDocId, type AckResult, type DocError } from '@tandem/crdt-bridge/protocol';
import { OPEN_USER } from '../auth/roles.js';
import { TokenBucket } from '../limits/TokenBucket.js';
import type { Quotas } from '../limits/Quotas.js';
import type { ServerMetrics } from '../metrics.js';
import type { Member } from '../rooms/Member.js';
import type { Room } from '../rooms/Room.js';
import type { RoomRegistry } from '../rooms/RoomRegistry.js';
import type { DocumentStore } from '../storage/DocumentStore.js';
import type { ClusterRouting, ForwardLink, PeerNode } from './forwarding.js';
import type { ForwardedRooms } from './ForwardedRooms.js';
import { boundOutgoingQueue, closeWithError, dropConnection } from './guards.js';
import { Memberships } from './Memberships.js';
import type { TandemServerSocket } from './types.js';

/** The bounds on one connection. */
export interface ConnectionLimits {
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

/** What a connection needs from the server. */
export interface ConnectionDeps extends ConnectionLimits {
  /** Where traffic and latency are counted for GET /metrics; absent in some tests. */
  metrics?: ServerMetrics;
  registry: RoomRegistry;
  /** Where a join looks up (and may create) its document. */
  store: DocumentStore;
  /** Documents created per identity: a join that creates one counts. */
  quotas: Quotas;
  log: Logger;
  /** Several nodes: where documents run, and links to the nodes that run them; absent on a single node. */
  cluster?: ClusterRouting;
  /** Several nodes: this node's clients of documents other nodes run, as broadcasts reach them. */
  forwardedRooms?: ForwardedRooms;
}

/** A client's acknowledgement callback. */
export type Ack = (result: AckResult) => void;

/** A refusal as an ack carries it. */
export function fail(code: ErrorCode, message: string, docId?: string): AckResult {
  const error: DocError = docId === undefined ? { code, message } : { docId, code, message };
  return { ok: false, error };
}

/** The events a client sends (PROTOCOL.md), each handled by one function shared by every connection. */
export type ClientEvent = 'join' | 'leave' | 'sync' | 'awareness' | 'probe';

/** What handles one client event for a connection. */
export type EventHandler = (conn: Connection, ...args: unknown[]) => unknown;

/**
 * One client connection, for its whole life: its rate limit, the bound on what waits to be
 * sent to it, its join deadline, and its memberships of documents (joining or joined).
 * Event handlers (`joinDocument.ts`, `syncMessages.ts`) run through {@link handle}, so none
 * can throw into Socket.IO: an error is reported to this client only, and logged.
 *
 * Memory: with 20,000 connections every per-connection object counts, so a connection holds
 * no closures of its own — Socket.IO calls listeners shared by all connections (see
 * `handlers.ts`), which find this object on `socket.data.connection` — and its forwarding
 * links exist only once a document is forwarded.
 */
export class Connection {
  readonly memberships = new Memberships();
  /** Links to the nodes that run documents this connection has open, by node id; null until the first. */
  private links: Map<string, ForwardLink> | null = null;
  private joinDeadline: ReturnType<typeof setTimeout> | null = null;
  private readonly bucket: TokenBucket;
  /** Set once the rate limit is exceeded: nothing more from this client is dispatched. */
  private limited = false;

  constructor(
    readonly socket: TandemServerSocket,
    readonly deps: ConnectionDeps,
  ) {
    // Token mode sets these in the handshake (auth/socketAuth.ts); open mode lets everyone do everything.
    socket.data.user ??= OPEN_USER;
    socket.data.authenticated ??= false;
    socket.data.connection = this;
    this.bucket = new TokenBucket(deps.rateLimit.perSecond, deps.rateLimit.burst);
    // Slow readers: the server buffers only so much for a peer that does not read.
    boundOutgoingQueue(socket, deps.maxOutgoingBytes, this);
    this.joinDeadline = setTimeout(checkJoinedLater, deps.joinTimeoutMs, this);
    // Socket.IO decides at each packet's arrival whether it is dispatched (on the next tick):
    // only a middleware can refuse it then, and its callback carries no socket, so this one
    // closure per connection stays.
    socket.use((_packet, next) => this.admit(next));
    socket.on('disconnect', onDisconnect);
  }

  /** The connection's id (the socket id). */
  get id(): string {
    return this.socket.id;
  }

  /** Runs `handler` for `event`, which may not throw into Socket.IO (errors go to this client and the log). */
  handle(event: ClientEvent, handler: EventHandler, args: unknown[]): void {
    try {
      const result = handler(this, ...args);
      if (result instanceof Promise)
        result.catch((err: unknown) => this.deps.log.error({ err, event, socket: this.id }, 'handler failed'));
    } catch (err) {
      this.deps.log.error({ err, event, socket: this.id }, 'handler failed');
      const ack = args.at(-1);
      if (typeof ack === 'function')
        this.ackOf(ack)(fail(ErrorCode.Internal, 'The server could not handle this message.'));
    }
  }

  /** The client's acknowledgement callback; without one, a refusal still reaches it, as 'doc-error'. */
  ackOf(candidate: unknown): Ack {
    if (typeof candidate === 'function') return candidate as Ack;
    return (result) => {
      if (!result.ok) this.socket.emit('doc-error', result.error);
    };
  }

  /** The member and room for a joined document, or the refusal saying why there is none. */
  joined(docId: unknown): { member: Member; room: Room } | AckResult {
    if (!isValidDocId(docId)) return fail(ErrorCode.InvalidDocId, 'That is not a valid document id.');
    const membership = this.memberships.get(docId);
    if (membership?.state !== 'joined')
      return fail(ErrorCode.NotJoined, 'Join the document before sending to it.', docId);
    // A room can drop its members (the document was deleted); forget such a membership.
    const { member, room } = membership;
    if (this.deps.registry.get(docId) !== room || room.members.get(member.id) !== member) {
      this.memberships.remove(docId);
      return fail(ErrorCode.NotJoined, 'This document is no longer open here; join it again.', docId);
    }
    return membership;
  }

  /**
   * The link carrying this connection's traffic to `node`, opened if need be. If it breaks,
   * the client's connection closes at the transport: it reconnects, rejoins wherever its
   * documents run now and resends what was not acknowledged — never left waiting for an
   * acknowledgement from a node it can no longer reach.
   */
  linkTo(node: PeerNode): ForwardLink {
    const cluster = this.deps.cluster;
    if (!cluster) throw new Error('forwarding needs a cluster');
    const existing = this.links?.get(node.id);
    if (existing) return existing;
    const link = cluster.link(this.socket, node, () => {
      this.links?.delete(node.id);
      this.deps.log.info({ socket: this.id, node: node.id }, 'link to the owning node lost: closing the connection');
      this.socket.conn.close();
    });
    (this.links ??= new Map()).set(node.id, link);
    return link;
  }

  /** Closes `link` if no document of this connection goes over it any more. */
  closeLinkIfUnused(link: ForwardLink): void {
    if (this.memberships.uses(link) || this.links?.get(link.node.id) !== link) return;
    this.links.delete(link.node.id);
    link.close();
  }

  /** A document was joined: the join deadline no longer applies. */
  joinedOne(): void {
    if (this.joinDeadline) clearTimeout(this.joinDeadline);
    this.joinDeadline = null;
  }

  /** Floods: every incoming event takes a token; over the limit, the client is told and closed. */
  private admit(next: () => void): void {
    if (this.limited) return;
    if (this.bucket.take()) return next();
    this.limited = true;
    this.deps.log.warn({ socket: this.id }, 'message rate limit exceeded: closing the connection');
    // Once the messages let through have been handled (Socket.IO runs handlers on the next tick).
    setImmediate(() =>
      closeWithError(this.socket, {
        code: ErrorCode.RateLimited,
        message: `Too many messages (more than ${this.deps.rateLimit.perSecond} a second); the connection is closed.`,
      }),
    );
  }

  /** Too much waits to be sent to this client: it does not read, so its connection is dropped. */
  overflowed(): void {
    if (this.socket.conn.readyState === 'closed') return;
    this.deps.log.warn({ socket: this.id }, 'slow reader: too much waiting to be sent; dropping the connection');
    dropConnection(this.socket);
  }

  /** A connection must join a document in time (one still loading its first gets the time it needs). */
  checkJoined(): void {
    this.joinDeadline = null;
    if (this.memberships.anyJoined || !this.socket.connected) return;
    const { joinTimeoutMs, log } = this.deps;
    if (this.memberships.size > 0) {
      this.joinDeadline = setTimeout(checkJoinedLater, joinTimeoutMs, this);
      return;
    }
    log.info({ socket: this.id }, 'no document joined in time: closing the connection');
    closeWithError(this.socket, {
      code: ErrorCode.JoinTimeout,
      message: `No document was opened within ${joinTimeoutMs} ms of connecting; the connection is closed.`,
    });
  }

  /** The socket disconnected: leave every document, close every link. */
  disconnected(reason: string): void {
    this.joinedOne();
    for (const link of this.links?.values() ?? []) link.close();
    this.links = null;
    for (const docId of this.memberships.forwardedIds()) this.deps.forwardedRooms?.left(docId, this.socket);
    try {
      for (const [, { room }] of this.memberships.joinedEntries()) {
        room.removeMember(this.id);
        this.deps.registry.released(room);
      }
      this.memberships.clear();
      this.deps.log.debug({ socket: this.id, reason }, 'disconnected');
    } catch (err) {
      this.deps.log.error({ err, socket: this.id }, 'disconnect cleanup failed');
    }
  }
}

function checkJoinedLater(conn: Connection): void {
  conn.checkJoined();
}

function onDisconnect(this: TandemServerSocket, reason: string): void {
  this.data.connection?.disconnected(reason);
}
