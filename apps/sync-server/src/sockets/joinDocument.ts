import { ErrorCode, PROTOCOL_VERSION, isValidDocId, type AckResult, type Role } from '@tandem/crdt-bridge/protocol';
import { roleFor } from '../auth/roles.js';
import { quotaIdentity } from '../limits/identity.js';
import { Member } from '../rooms/Member.js';
import type { Room } from '../rooms/Room.js';
import { NoSuchDocument } from '../rooms/RoomRegistry.js';
import { OwnedElsewhere } from '../storage/ownership.js';
import { fail, type Ack, type Connection } from './Connection.js';
import { admitToDocument, goneRefusal } from './documentAdmission.js';
import type { PeerNode } from './forwarding.js';
import { SocketMemberPort } from './SocketAudience.js';

/** A join request, checked: the document, and the session key the client gave (if any). */
interface JoinRequest {
  docId: string;
  sessionKey: unknown;
}

/** The join request's shape, protocol and document id, or the refusal to answer it with. */
function readJoin(request: unknown, ack: Ack): JoinRequest | null {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    ack(fail(ErrorCode.InvalidMessage, 'join expects { docId, protocol }.'));
    return null;
  }
  const { docId, protocol, sessionKey } = request as { docId?: unknown; protocol?: unknown; sessionKey?: unknown };
  if (protocol !== PROTOCOL_VERSION) {
    ack(
      fail(
        ErrorCode.ProtocolVersionMismatch,
        `This server speaks protocol ${PROTOCOL_VERSION}; reload the page to update.`,
      ),
    );
    return null;
  }
  if (!isValidDocId(docId)) {
    ack(fail(ErrorCode.InvalidDocId, 'Document ids are 1–64 letters, digits, "-" or "_".'));
    return null;
  }
  return { docId, sessionKey };
}

/** What presence and content ownership are bound to: the client's session key, or else this connection. */
function memberKey(conn: Connection, sessionKey: unknown): string {
  return typeof sessionKey === 'string' && sessionKey.length >= 16 && sessionKey.length <= 64
    ? `session:${sessionKey}`
    : `socket:${conn.id}`;
}

/** Whether the join may go ahead: the role it would have, or null after answering with the refusal. */
function mayJoin(conn: Connection, docId: string, ack: Ack): Role | null {
  // Drops a stale membership (evicted room) so the join below starts afresh.
  const existing = conn.memberships.get(docId);
  if (existing?.state === 'joined' && 'member' in conn.joined(docId)) {
    ack({ ok: true, role: existing.member.role });
    return null;
  }
  if (conn.memberships.get(docId)?.state === 'joining') {
    ack(fail(ErrorCode.InvalidMessage, 'Already joining this document.', docId));
    return null;
  }
  const role = roleFor(conn.socket.data.user, docId);
  if (role === null) {
    ack(fail(ErrorCode.Forbidden, 'You do not have access to this document. Ask its owner for a link.', docId));
    return null;
  }
  const { maxDocsPerConnection } = conn.deps;
  if (conn.memberships.size >= maxDocsPerConnection) {
    ack(
      fail(
        ErrorCode.TooManyDocuments,
        `At most ${maxDocsPerConnection} documents can be open on one connection.`,
        docId,
      ),
    );
    return null;
  }
  return role;
}

/**
 * Where the join goes: the document loaded here, or the node that runs it (a cluster; the
 * document exists by then). Creates the document when the joiner may; otherwise answers
 * why not and resolves with null.
 */
async function placeJoin(conn: Connection, docId: string, role: Role, ack: Ack): Promise<Room | PeerNode | null> {
  const { deps, socket } = conn;
  // A connection another node forwarded is served here or not at all: traffic never goes through two nodes.
  const cluster = socket.data.forwardedBy === undefined ? deps.cluster : undefined;
  try {
    const refusal = await admitToDocument(deps, docId, role, quotaIdentity(socket.data.user, socket.handshake.address));
    if (refusal) {
      ack({ ok: false, error: refusal });
      return null;
    }
    const owner = cluster && !deps.registry.get(docId) ? await cluster.ownerOf(docId) : null;
    return owner ?? (await deps.registry.acquire(docId));
  } catch (err) {
    if (err instanceof NoSuchDocument) {
      // Moved to Trash or deleted between the check above and the load.
      ack({ ok: false, error: await goneRefusal(deps.store, docId) });
      return null;
    }
    if (err instanceof OwnedElsewhere) {
      // Another node claimed it first: go there. A forwarded connection closes, and its node finds the owner anew.
      const owner = cluster ? await cluster.ownerOf(docId).catch(() => null) : null;
      if (owner) return owner;
      if (socket.data.forwardedBy !== undefined) socket.conn.close();
    } else deps.log.error({ err, doc: docId }, 'document failed to load');
    ack(fail(ErrorCode.LoadFailed, 'The document could not be loaded. Try again in a moment.', docId));
    return null;
  }
}

/**
 * Sends the join to the node that runs the document, and from then on everything the
 * client sends about it; the owner's answer is the client's answer.
 */
function forwardJoin(conn: Connection, docId: string, owner: PeerNode, request: unknown, ack: Ack): void {
  if (!conn.socket.connected || conn.memberships.get(docId)?.state !== 'joining') {
    ack(fail(ErrorCode.NotJoined, 'This document was left before it finished opening.', docId));
    for (const run of conn.memberships.abandon(docId)) run();
    return;
  }
  const link = conn.linkTo(owner);
  const waiting = conn.memberships.forwarded(docId, link);
  const membership = conn.memberships.get(docId);
  const rooms = conn.deps.forwardedRooms;
  conn.joinedOne();
  rooms?.joining(docId, conn.socket);
  link.send('join', request, (result: AckResult) => {
    // Still this join's membership (not left, nor left and joined again since).
    const current = conn.memberships.get(docId) === membership;
    if (!result.ok && current) {
      conn.memberships.remove(docId);
      conn.closeLinkIfUnused(link);
    }
    ack(result);
    // After the answer: the client takes broadcasts for the document only once it has joined.
    if (result.ok && current) rooms?.joined(docId, conn.socket);
    else if (current) rooms?.left(docId, conn.socket);
  });
  for (const run of waiting) run();
}

/**
 * `join`: checks the request and the joiner's role, loads (or, when the joiner may,
 * creates) the document, adds the connection to the room, answers with the role, then
 * sends everyone's presence and runs the messages that waited for the join.
 */
export async function joinDocument(conn: Connection, request: unknown, rawAck: unknown): Promise<void> {
  const ack = conn.ackOf(rawAck);
  const join = readJoin(request, ack);
  if (!join) return;
  const { docId } = join;
  const role = mayJoin(conn, docId, ack);
  if (role === null) return;
  conn.memberships.startJoining(docId);
  const room = await placeJoin(conn, docId, role, ack);
  if (!room) {
    for (const run of conn.memberships.abandon(docId)) run();
    return;
  }
  if (!('members' in room)) return forwardJoin(conn, docId, room, request, ack);
  // Trashed or deleted while this join waited for its room: the room is gone, and so is the document.
  if (room.isDestroyed) {
    ack({ ok: false, error: await goneRefusal(conn.deps.store, docId) });
    for (const run of conn.memberships.abandon(docId)) run();
    return;
  }
  // Left or disconnected while the document loaded.
  if (!conn.socket.connected || conn.memberships.get(docId)?.state !== 'joining') {
    conn.deps.registry.released(room);
    ack(fail(ErrorCode.NotJoined, 'This document was left before it finished opening.', docId));
    for (const run of conn.memberships.abandon(docId)) run();
    return;
  }
  const { data } = conn.socket;
  const userId = data.authenticated ? data.user.id : null;
  const member = new Member(conn.id, memberKey(conn, join.sessionKey), role, new SocketMemberPort(conn.socket), userId);
  room.addMember(member);
  const waiting = conn.memberships.joined(docId, member, room);
  conn.joinedOne();
  ack({ ok: true, role });
  const presence = room.encodeAllAwareness();
  if (presence) member.port.send('awareness', docId, presence);
  for (const run of waiting) run();
}

/** `leave`: the connection leaves the document's room; its presence goes at once. */
export function leaveDocument(conn: Connection, docId: unknown): void {
  if (!isValidDocId(docId)) return;
  const membership = conn.memberships.remove(docId);
  if (membership?.state === 'forwarded') {
    conn.deps.forwardedRooms?.left(docId, conn.socket);
    membership.link.send('leave', docId);
    conn.closeLinkIfUnused(membership.link);
    return;
  }
  // Left while still joining: what waited for the join is refused now (it is not joined).
  if (membership?.state === 'joining') for (const run of membership.queue) run();
  if (membership?.state !== 'joined') return;
  const { room } = membership;
  if (conn.deps.registry.get(docId) !== room) return;
  room.removeMember(conn.id);
  conn.deps.registry.released(room);
}
