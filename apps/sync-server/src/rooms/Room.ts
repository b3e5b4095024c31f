import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import {
  ErrorCode,
  docTitle,
  encodeUpdate,
  type ClientToServerEvents,
  type DocError,
  type ServerToClientEvents,
} from '@tandem/crdt-bridge';
import type { StoredDocument } from '../storage/DocumentStore.js';
import type { WriteQueue } from '../storage/WriteQueue.js';
import { Member, type SocketData } from './Member.js';
import { LOAD_ORIGIN, type ChangeOrigin } from './origins.js';

/** The server's typed Socket.IO server. */
export type TandemIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** What a room needs from the server around it. */
export interface RoomDeps {
  io: TandemIo;
  writes: WriteQueue;
  log: Logger;
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
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  readonly members = new Map<string, Member>();
  /** Log rows and bytes since the last compaction, to decide when to compact. */
  logRows: number;
  logBytes: number;
  lastSeq: number;
  /** Bytes of the last compacted state, so big documents are not compacted on every write. */
  compactedBytes = 0;
  compacting = false;
  /** Counts acquisitions, so an unload that waited on storage sees someone took the room meanwhile. */
  acquisitions = 0;
  /** Set when content changed since the title was last stored. */
  titleDirty = false;
  title: string;
  private destroyed = false;

  constructor(
    readonly id: string,
    stored: StoredDocument,
    private readonly deps: RoomDeps,
  ) {
    this.doc = new Y.Doc({ gc: true });
    Y.transact(
      this.doc,
      () => {
        for (const update of stored.updates) Y.applyUpdate(this.doc, update);
      },
      LOAD_ORIGIN,
    );
    this.logRows = stored.updates.length;
    this.logBytes = stored.updates.reduce((sum, u) => sum + u.byteLength, 0);
    this.lastSeq = stored.lastSeq;
    this.title = stored.meta.title;
    this.doc.on('update', this.onDocUpdate);
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    // The server has no presence of its own.
    this.awareness.setLocalState(null);
    this.awareness.on('update', this.onAwarenessUpdate);
  }

  /** Applies a client's update; refuses malformed bytes and updates that build on unknown changes. */
  applyClientUpdate(update: Uint8Array, member: Member): ApplyResult {
    try {
      // Decode fully before touching the document, so a malformed update cannot half-apply.
      Y.decodeUpdate(update);
    } catch (error) {
      this.deps.log.warn({ doc: this.id, socket: member.id, err: error }, 'malformed update refused');
      return {
        ok: false,
        error: { docId: this.id, code: ErrorCode.MalformedUpdate, message: 'The update could not be decoded.' },
      };
    }
    try {
      Y.applyUpdate(this.doc, update, { source: 'member', member } satisfies ChangeOrigin);
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
      return {
        ok: false,
        error: {
          docId: this.id,
          code: ErrorCode.MissingDependencies,
          message: 'The update builds on changes the server does not have; re-syncing.',
        },
      };
    }
    return { ok: true };
  }

  /** Applies an awareness update from a member; returns false when it is malformed. */
  applyAwareness(update: Uint8Array, member: Member): boolean {
    try {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, member);
      return true;
    } catch (error) {
      this.deps.log.warn({ doc: this.id, socket: member.id, err: error }, 'malformed awareness refused');
      return false;
    }
  }

  /** Adds a connection to the room. */
  addMember(member: Member): void {
    this.members.set(member.id, member);
    void member.socket.join(roomName(this.id));
  }

  /** Removes a connection and, at once, every presence state it announced. */
  removeMember(socketId: string): Member | undefined {
    const member = this.members.get(socketId);
    if (!member) return undefined;
    this.members.delete(socketId);
    void member.socket.leave(roomName(this.id));
    if (member.awarenessIds.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...member.awarenessIds], 'disconnect');
    }
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
    this.doc.destroy();
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    const change = origin as ChangeOrigin | null;
    if (change?.source === 'load') return;
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
    const message = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
    const member = origin instanceof Member && this.members.get(origin.id) === origin ? origin : null;
    if (member) {
      for (const id of [...added, ...updated]) member.awarenessIds.add(id);
      for (const id of removed) member.awarenessIds.delete(id);
      member.socket.to(roomName(this.id)).emit('awareness', this.id, message);
    } else {
      this.deps.io.to(roomName(this.id)).emit('awareness', this.id, message);
    }
  };
}
