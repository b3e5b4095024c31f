import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import {
  ErrorCode,
  encodeUpdate,
  type ClientToServerEvents,
  type DocError,
  type ServerToClientEvents,
} from '@tandem/crdt-bridge/protocol';
import { docTitle } from '@tandem/crdt-bridge/schema';
import type { StoredDocument } from '../storage/DocumentStore.js';
import type { WriteQueue } from '../storage/WriteQueue.js';
import { Member, type SocketData } from './Member.js';
import { LOAD_ORIGIN, type ChangeOrigin } from './origins.js';
import { CHECK_SLICE_MS, LARGE_UPDATE_BYTES, UPDATE_PART_STRUCTS, buildsOnUnknown, nextTurn } from './largeUpdate.js';
import { SchemaCheck, schemaViolation } from './schemaGuard.js';
import { UpdateQueue } from './UpdateQueue.js';
import {
  decodeWholeV1Update,
  isEmptyDeleteSet,
  rangeCovered,
  structCountHint,
  type DeleteRange,
  type DecodedUpdate,
  type DeleteSetShape,
} from './v1Update.js';
import {
  PresenceRejected,
  decodeAwarenessUpdate,
  encodeAwarenessEntries,
  type AwarenessEntry,
} from './presenceRules.js';

/** Shortest gap between two presence relays from one member (about 30 per second at most). */
export const PRESENCE_RELAY_INTERVAL_MS = 33;

/** The server's typed Socket.IO server. */
export type TandemIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** What a room needs from the server around it. */
export interface RoomDeps {
  io: TandemIo;
  writes: WriteQueue;
  log: Logger;
  /**
   * Splits a large update into parts (`splitUpdate`), off the event loop: decoding it whole
   * is the costly step. Null when the bytes are not one whole V1 update.
   */
  splitUpdate: (update: Uint8Array) => Promise<Uint8Array[] | null>;
}

/** Outcome of applying a client's update. */
export type ApplyResult = { ok: true } | { ok: false; error: DocError };

/** Socket.IO room name for a document. */
export function roomName(docId: string): string {
  return `doc:${docId}`;
}

/**
 * A loaded document: its Y.Doc, its awareness, and the connections in it. Every
 * change, whoever makes it, goes through the Y.Doc; what is stored and broadcast
 * is what the Y.Doc emits, never a client's raw bytes.
 */
export class Room {
  private readonly ydoc: Y.Doc;
  /** Stored updates not yet applied to `ydoc` (see `doc`). */
  private unapplied: Uint8Array[] | null = null;
  /** The state vector of `unapplied`, stored with it. */
  private unappliedStateVector: Uint8Array | null = null;
  /** The delete set of `unapplied` as a step 2 would carry it, stored with it (`StateSummary.deleteSetUpdate`). */
  private unappliedDeleteSet: Uint8Array | null = null;
  /** `unappliedDeleteSet` decoded, on first use. */
  private storedDeletes: Map<number, unknown[]> | null = null;
  readonly awareness: awarenessProtocol.Awareness;
  readonly members = new Map<string, Member>();
  /** Which member announced each presence client id; only it (or its session) may change it. */
  private readonly presenceOwners = new Map<number, Member>();
  /**
   * Which session (member key) first wrote live edits under each Yjs client id. While that
   * session is connected, only it may add content under the id. Kept while the room is
   * loaded, so a session that reconnects keeps its ids.
   */
  private readonly contentOwners = new Map<number, string>();
  /** Connected members per key, to tell whether a session is live. */
  private readonly liveKeys = new Map<string, number>();
  /** Log rows and bytes since the last compaction, to decide when to compact. */
  logRows: number;
  logBytes: number;
  lastSeq: number;
  /** Bytes of the last compacted state, so big documents are not compacted on every write. */
  compactedBytes = 0;
  compacting = false;
  /** The whole state as one V1 update, kept until the document next changes (cheap joins for newcomers). */
  private fullStateCache: Uint8Array | null = null;
  /** Counts acquisitions, so an unload that waited on storage sees someone took the room meanwhile. */
  acquisitions = 0;
  /** Set when content changed since the title was last stored. */
  titleDirty = false;
  title: string;
  private destroyed = false;
  /** Client updates in arrival order, when one takes longer than a turn. */
  private readonly updates = new UpdateQueue();

  constructor(
    readonly id: string,
    stored: StoredDocument,
    private readonly deps: RoomDeps,
  ) {
    this.ydoc = new Y.Doc({ gc: true });
    if (stored.updates.length === 1) {
      // One row is all a join needs: its bytes for the client, its state vector (stored with a
      // compacted row, else read from the row) for the server's step 1. Applying it (hundreds of
      // milliseconds for a big document) waits until something needs the document (see `doc`).
      this.fullStateCache = stored.updates[0]!;
      this.unapplied = stored.updates;
      this.unappliedStateVector = stored.stateVector ?? null;
      this.unappliedDeleteSet = stored.deleteSetUpdate ?? null;
    } else {
      this.applyStored(stored.updates);
    }
    this.logRows = stored.updates.length;
    this.logBytes = stored.updates.reduce((sum, u) => sum + u.byteLength, 0);
    this.lastSeq = stored.lastSeq;
    this.title = stored.meta.title;
    this.ydoc.on('update', this.onDocUpdate);
    this.awareness = new awarenessProtocol.Awareness(this.ydoc);
    // The server has no presence of its own.
    this.awareness.setLocalState(null);
    this.awareness.on('update', this.onAwarenessUpdate);
  }

  /**
   * The room's document with everything stored in it. A document loaded from one
   * compacted row is applied on first use rather than at load: joins are served from the
   * row (`fullState`, `stateVector`), so a document people only read is never applied.
   */
  get doc(): Y.Doc {
    if (this.unapplied && !this.destroyed) {
      const updates = this.unapplied;
      this.unapplied = null;
      this.unappliedStateVector = null;
      this.unappliedDeleteSet = null;
      this.storedDeletes = null;
      this.applyStored(updates);
    }
    return this.ydoc;
  }

  /**
   * What a client whose state vector is `stateVector` lacks, as a V1 update. Taken from the
   * stored bytes while they are not applied: a returning reader costs a parse, not an apply.
   */
  missingFor(stateVector: Uint8Array): Uint8Array {
    if (Y.decodeStateVector(stateVector).size === 0) return this.fullState();
    if (this.unapplied && !this.destroyed) return Y.diffUpdate(this.unapplied[0]!, stateVector);
    return Y.encodeStateAsUpdate(this.doc, stateVector);
  }

  /** The document's state vector (for sync step 1), without applying stored content. */
  stateVector(): Uint8Array {
    if (this.unapplied && !this.destroyed) {
      // A row stored without its state vector: reading it from the bytes is several times cheaper than applying them.
      this.unappliedStateVector ??= Y.encodeStateVectorFromUpdate(this.unapplied[0]!);
      return this.unappliedStateVector;
    }
    return Y.encodeStateVector(this.doc);
  }

  /** Whether the room was destroyed (unloaded or its document deleted). */
  get isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Whether stored content still waits to be applied (the first `doc` access applies it). */
  get loadPending(): boolean {
    return this.unapplied !== null;
  }

  /**
   * The Y.Doc to subscribe to without applying pending stored content: listeners see
   * that content arrive as one transaction with the load origin, which they ignore.
   */
  get docEvents(): Y.Doc {
    return this.ydoc;
  }

  /** Whether every deletion in `ds` is among the stored state's deletions (false when that is not known). */
  private coveredByStoredDeletes(ds: DeleteSetShape): boolean {
    if (!this.unapplied || this.destroyed || this.unappliedDeleteSet === null) return false;
    this.storedDeletes ??= (Y.decodeUpdate(this.unappliedDeleteSet).ds as DeleteSetShape).clients;
    for (const [client, items] of ds.clients) {
      const ranges = (this.storedDeletes.get(client) ?? []) as DeleteRange[];
      for (const item of items as DeleteRange[]) if (!rangeCovered(ranges, item)) return false;
    }
    return true;
  }

  private applyStored(updates: readonly Uint8Array[]): void {
    Y.transact(
      this.ydoc,
      () => {
        for (const update of updates) Y.applyUpdate(this.ydoc, update);
      },
      LOAD_ORIGIN,
    );
  }

  /**
   * Applies a client's update, like {@link applyClientUpdate}. A small one is applied at
   * once when nothing waits before it; a large one (over 64 KiB and more structs than one
   * part holds) — and anything that arrives while it is being applied — goes through the
   * room's queue, and is checked and applied a part
   * at a time so other documents' work runs in between (see {@link applyLargeUpdate}).
   */
  submitClientUpdate(
    update: Uint8Array,
    member: Member,
    kind: 'step2' | 'update' = 'update',
  ): ApplyResult | Promise<ApplyResult> {
    // Bytes alone would also send a long run of typed or pasted text (one struct) the long way.
    const large = update.byteLength > LARGE_UPDATE_BYTES && (structCountHint(update) ?? Infinity) > UPDATE_PART_STRUCTS;
    if (!large && this.updates.idle) return this.applyClientUpdate(update, member, kind);
    return this.updates.run(() =>
      large ? this.applyLargeUpdate(update, member, kind) : this.applyClientUpdate(update, member, kind),
    );
  }

  /**
   * Applies a client's update; refuses malformed bytes, content outside the schema, new
   * content under a client id another live session owns, and updates that build on
   * unknown changes. `kind` is the sync message that carried it: a live `update` is the
   * sender's own editing, so it claims the client ids it adds content under; a `step2`
   * may carry anyone's content (what the client received, e.g. before a server crash)
   * and claims nothing.
   */
  applyClientUpdate(update: Uint8Array, member: Member, kind: 'step2' | 'update' = 'update'): ApplyResult {
    // Decoded once here; the schema and ownership checks below read the same structs.
    let decoded: DecodedUpdate;
    try {
      // Decode fully before touching the document, so a malformed update cannot half-apply.
      decoded = decodeWholeV1Update(update);
    } catch (error) {
      return this.malformed(member, error);
    }
    const { structs } = decoded;
    // Nothing to apply (a step 2 from a client that has nothing new): the document need not even be loaded.
    // A returning client with nothing new still sends its whole delete set; while the document is
    // held as stored, that is nothing new when the stored delete set covers it.
    if (structs.length === 0 && (isEmptyDeleteSet(decoded.ds) || this.coveredByStoredDeletes(decoded.ds))) {
      if (kind === 'step2') member.caughtUp = true;
      return { ok: true };
    }
    const violation = schemaViolation(this.doc, structs);
    if (violation !== null) return this.violatesSchema(member, violation);
    const added = this.clientsWithNewContent(structs);
    const foreign = this.foreignContent(added, member);
    if (foreign) return foreign;
    try {
      Y.applyUpdate(this.doc, update, { source: 'member', member, clients: added } satisfies ChangeOrigin);
    } catch (error) {
      this.deps.log.warn({ doc: this.id, socket: member.id, err: error }, 'update failed to apply');
      return {
        ok: false,
        error: { docId: this.id, code: ErrorCode.MalformedUpdate, message: 'The update could not be applied.' },
      };
    }
    const store = this.doc.store;
    if (store.pendingStructs !== null || store.pendingDs !== null) {
      // Keep nothing the document cannot integrate; the client re-sends it after our step 1.
      store.pendingStructs = null;
      store.pendingDs = null;
      return this.missingDependencies();
    }
    this.applied(added, member, kind);
    return { ok: true };
  }

  /**
   * Applies a large client update without holding the event loop: the update is split into
   * parts off the event loop; each part is decoded in a turn of its own; the schema is
   * checked in slices of a few milliseconds; ownership and dependencies are checked for
   * the whole; then each part is applied (and relayed, and queued for storage) in a turn
   * of its own. Every check comes before the first part is applied, so a refused update
   * changes nothing.
   */
  private async applyLargeUpdate(update: Uint8Array, member: Member, kind: 'step2' | 'update'): Promise<ApplyResult> {
    let parts: Uint8Array[] | null;
    try {
      parts = await this.deps.splitUpdate(update);
    } catch (error) {
      this.deps.log.error({ doc: this.id, socket: member.id, err: error }, 'a large update could not be split');
      return {
        ok: false,
        error: {
          docId: this.id,
          code: ErrorCode.Internal,
          message: 'The server could not take this large change right now; it is kept on your side. Try again.',
        },
      };
    }
    if (parts === null) return this.malformed(member, new RangeError('not one whole V1 update'));
    if (this.destroyed) return this.gone();
    const decoded: DecodedUpdate[] = [];
    const check = new SchemaCheck(this.doc);
    for (const part of parts) {
      await nextTurn();
      const one = decodeWholeV1Update(part);
      decoded.push(one);
      check.add(one.structs);
    }
    let violation: string | null | undefined;
    do {
      await nextTurn();
      if (this.destroyed) return this.gone();
      violation = check.run(performance.now() + CHECK_SLICE_MS);
    } while (violation === undefined);
    if (violation !== null) return this.violatesSchema(member, violation);
    await nextTurn();
    if (this.destroyed) return this.gone();
    if (buildsOnUnknown(this.doc, decoded)) return this.missingDependencies();
    const added = this.clientsWithNewContent(decoded.flatMap((d) => d.structs));
    const foreign = this.foreignContent(added, member);
    if (foreign) return foreign;
    const origin: ChangeOrigin = { source: 'member', member, clients: added };
    for (const part of parts) {
      await nextTurn();
      if (this.destroyed) return this.gone();
      Y.applyUpdate(this.doc, part, origin);
    }
    const store = this.doc.store;
    if (store.pendingStructs !== null || store.pendingDs !== null) {
      // Checked for above; if it happens anyway, keep nothing the document cannot integrate.
      this.deps.log.error({ doc: this.id, socket: member.id }, 'a large update left changes pending');
      store.pendingStructs = null;
      store.pendingDs = null;
      return this.missingDependencies();
    }
    this.applied(added, member, kind);
    return { ok: true };
  }

  /** Refuses new content under client ids another live session owns; null when there is none. */
  private foreignContent(added: readonly number[], member: Member): ApplyResult | null {
    for (const clientId of added) {
      const owner = this.ownerOf(clientId);
      if (owner !== null && owner !== member.key) {
        this.deps.log.warn(
          { doc: this.id, socket: member.id, clientId },
          'content under another session’s client id refused',
        );
        return {
          ok: false,
          error: {
            docId: this.id,
            code: ErrorCode.Forbidden,
            message: 'The update writes under a client id that belongs to someone else; nothing was applied.',
          },
        };
      }
    }
    return null;
  }

  /** After a member's update is applied: a live update claims its client ids; a step 2 means caught up. */
  private applied(added: readonly number[], member: Member, kind: 'step2' | 'update'): void {
    if (kind === 'update') {
      for (const clientId of added) if (!this.contentOwners.has(clientId)) this.contentOwners.set(clientId, member.key);
    } else {
      member.caughtUp = true;
    }
  }

  private malformed(member: Member, error: unknown): ApplyResult {
    this.deps.log.warn({ doc: this.id, socket: member.id, err: error }, 'malformed update refused');
    return {
      ok: false,
      error: { docId: this.id, code: ErrorCode.MalformedUpdate, message: 'The update could not be decoded.' },
    };
  }

  private violatesSchema(member: Member, violation: string): ApplyResult {
    this.deps.log.warn({ doc: this.id, socket: member.id, violation }, 'update violating the schema refused');
    return { ok: false, error: { docId: this.id, code: ErrorCode.SchemaViolation, message: violation } };
  }

  private missingDependencies(): ApplyResult {
    return {
      ok: false,
      error: {
        docId: this.id,
        code: ErrorCode.MissingDependencies,
        message: 'The update builds on changes the server does not have; re-syncing.',
      },
    };
  }

  private gone(): ApplyResult {
    return {
      ok: false,
      error: {
        docId: this.id,
        code: ErrorCode.NotJoined,
        message: 'This document is no longer open here; join it again.',
      },
    };
  }

  /** Client ids under which `update` adds structs this document does not have yet. */
  private clientsWithNewContent(structs: readonly (Y.Item | Y.GC | Y.Skip)[]): number[] {
    const to = new Map<number, number>();
    for (const struct of structs) {
      if (struct instanceof Y.Skip) continue;
      const end = struct.id.clock + struct.length;
      if (end > (to.get(struct.id.client) ?? 0)) to.set(struct.id.client, end);
    }
    const added: number[] = [];
    for (const [clientId, end] of to) if (end > Y.getState(this.doc.store, clientId)) added.push(clientId);
    return added;
  }

  /**
   * The key of the live session that owns a Yjs client id, or null when no live session
   * does: the one that first wrote live edits under it, or else the one whose presence
   * carries it once that client has caught up (so an id seen in someone's presence cannot
   * be taken over before its owner writes anything).
   */
  private ownerOf(clientId: number): string | null {
    const key = this.contentOwners.get(clientId);
    if (key !== undefined && this.liveKeys.has(key)) return key;
    const presence = this.presenceOwners.get(clientId);
    if (presence && presence.caughtUp && this.members.get(presence.id) === presence) return presence.key;
    return null;
  }

  /**
   * Applies a member's presence update. Refuses malformed or oversized states, and
   * any entry for a client id owned by another session (no spoofing or removing
   * someone else's presence). What is applied and relayed is re-encoded here.
   */
  applyAwareness(update: Uint8Array, member: Member, stampName?: string): ApplyResult {
    let entries: AwarenessEntry[];
    try {
      entries = decodeAwarenessUpdate(update);
    } catch (error) {
      const message = error instanceof PresenceRejected ? error.message : 'Presence update refused.';
      return { ok: false, error: { docId: this.id, code: ErrorCode.MalformedUpdate, message } };
    }
    for (const { clientId } of entries) {
      const owner = this.presenceOwners.get(clientId);
      if (owner && owner !== member && owner.key !== member.key) {
        this.deps.log.warn({ doc: this.id, socket: member.id, clientId }, 'presence for another session refused');
        return {
          ok: false,
          error: { docId: this.id, code: ErrorCode.Forbidden, message: 'That presence belongs to someone else.' },
        };
      }
    }
    if (stampName !== undefined) {
      // Token mode: the name others see is the one the token carries, whatever the client says.
      for (const entry of entries) {
        if (entry.state === null) continue;
        const state = entry.state as { user?: unknown };
        const user = typeof state.user === 'object' && state.user !== null ? state.user : {};
        entry.state = { ...state, user: { ...user, name: stampName } };
      }
    }
    for (const entry of entries) {
      const owner = this.presenceOwners.get(entry.clientId);
      // The same session reconnected: the id moves to the new connection.
      if (owner && owner !== member) owner.awarenessIds.delete(entry.clientId);
      this.presenceOwners.set(entry.clientId, member);
      member.awarenessIds.add(entry.clientId);
      // A state we dropped (its connection left) comes back as new, whatever its clock.
      if (entry.state !== null && !this.awareness.states.has(entry.clientId))
        this.awareness.meta.delete(entry.clientId);
    }
    awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessEntries(entries), member);
    return { ok: true };
  }

  /** Adds a connection to the room. */
  addMember(member: Member): void {
    this.members.set(member.id, member);
    this.liveKeys.set(member.key, (this.liveKeys.get(member.key) ?? 0) + 1);
    void member.socket.join(roomName(this.id));
  }

  /** Removes a connection and, at once, every presence state it announced. */
  removeMember(socketId: string): Member | undefined {
    const member = this.members.get(socketId);
    if (!member) return undefined;
    this.members.delete(socketId);
    const live = (this.liveKeys.get(member.key) ?? 1) - 1;
    if (live > 0) this.liveKeys.set(member.key, live);
    else this.liveKeys.delete(member.key);
    void member.socket.leave(roomName(this.id));
    if (member.awarenessTimer) clearTimeout(member.awarenessTimer);
    member.awarenessTimer = null;
    const owned = [...member.awarenessIds].filter((id) => this.presenceOwners.get(id) === member);
    for (const id of owned) this.presenceOwners.delete(id);
    if (owned.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, owned, 'disconnect');
    return member;
  }

  /** Encoded awareness of everyone in the room, or null when nobody has presence. */
  encodeAllAwareness(): Uint8Array | null {
    const ids = [...this.awareness.getStates().keys()];
    return ids.length > 0 ? awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids) : null;
  }

  /** Refreshes the stored title from the content when it changed; returns the new title or null. */
  takeTitleChange(): string | null {
    if (!this.titleDirty) return null;
    this.titleDirty = false;
    const title = docTitle(this.doc);
    if (title === this.title) return null;
    this.title = title;
    return title;
  }

  /** Stops all work on this room; it must not be used afterwards. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.awareness.destroy();
    this.ydoc.destroy();
  }

  /**
   * Everything the document holds, as one V1 update: what a client that has nothing
   * needs. Encoded once per change of the document, however many people open it.
   */
  fullState(): Uint8Array {
    this.fullStateCache ??= Y.encodeStateAsUpdate(this.doc);
    return this.fullStateCache;
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    const change = origin as ChangeOrigin | null;
    if (change?.source === 'load') return;
    this.fullStateCache = null;
    this.deps.writes.enqueue(this.id, update);
    this.titleDirty = true;
    const message = encodeUpdate(update);
    if (change?.source === 'member') change.member.socket.to(roomName(this.id)).emit('sync', this.id, message);
    else this.deps.io.to(roomName(this.id)).emit('sync', this.id, message);
  };

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const changed = [...added, ...updated, ...removed];
    if (changed.length === 0) return;
    const member = origin instanceof Member && this.members.get(origin.id) === origin ? origin : null;
    if (!member) {
      // Removals (disconnects, timeouts) go to everyone at once.
      this.deps.io
        .to(roomName(this.id))
        .emit('awareness', this.id, awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
      return;
    }
    for (const id of changed) member.pendingAwareness.add(id);
    if (member.awarenessTimer) return;
    const wait = member.lastAwarenessRelay + PRESENCE_RELAY_INTERVAL_MS - Date.now();
    if (wait <= 0) this.relayPresence(member);
    else member.awarenessTimer = setTimeout(() => this.relayPresence(member), wait);
  };

  /**
   * Sends a member's latest presence to the others. Relays are throttled per
   * member: a burst of cursor moves becomes at most one message per interval,
   * always carrying the newest state.
   */
  private relayPresence(member: Member): void {
    member.awarenessTimer = null;
    if (this.destroyed || this.members.get(member.id) !== member || member.pendingAwareness.size === 0) return;
    const ids = [...member.pendingAwareness];
    member.pendingAwareness.clear();
    member.lastAwarenessRelay = Date.now();
    member.socket
      .to(roomName(this.id))
      .emit('awareness', this.id, awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids));
  }
}
