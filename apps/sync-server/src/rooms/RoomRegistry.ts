import type { Logger } from 'pino';
import * as Y from 'yjs';
import type { DocumentStore } from '../storage/DocumentStore.js';
import type { WriteQueue } from '../storage/WriteQueue.js';
import { Room, type TandemIo } from './Room.js';

/**
 * Raised by {@link RoomRegistry.acquire} for a document that does not exist. Loading never
 * creates one: whoever may create it (a join by an editor, `POST /api/docs`) does so first.
 */
export class NoSuchDocument extends Error {
  override readonly name = 'NoSuchDocument';

  constructor(readonly docId: string) {
    super(`there is no document ${docId}`);
  }
}

/** Observers of rooms' lives (version history uses them); they must not throw. */
export interface RoomHooks {
  /** A document was loaded into memory. */
  loaded?(room: Room): void;
  /** Nobody is in the room any more (its last member left, or server-side work on it ended). */
  emptied?(room: Room): void;
}

/** Options for {@link RoomRegistry}. */
export interface RoomRegistryOptions {
  /** Observers of rooms loading and emptying (version history). */
  hooks?: RoomHooks;
  /** How long a room with no members stays loaded. */
  idleUnloadMs: number;
  /** Compact a document's log once it has this many rows… */
  compactRows: number;
  /** …or this many bytes beyond its last compacted state. */
  compactBytes: number;
  /** Splits a large client update into parts, off the event loop (see `Room.submitClientUpdate`). */
  splitUpdate: (update: Uint8Array) => Promise<Uint8Array[] | null>;
}

/**
 * The loaded documents. Loads each once however many join at the same moment
 * (single-flight), unloads a room after it has been empty for a while and its
 * writes are stored, and compacts logs that grew past a threshold.
 */
export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();
  private readonly loading = new Map<string, Promise<Room>>();
  private readonly unloadTimers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly store: DocumentStore,
    private readonly writes: WriteQueue,
    private readonly io: TandemIo,
    private readonly log: Logger,
    private readonly options: RoomRegistryOptions,
  ) {
    writes.onCommitted((docId, { lastSeq, rows, bytes }) => this.committed(docId, lastSeq, rows, bytes));
  }

  /** Number of documents in memory. */
  get size(): number {
    return this.rooms.size;
  }

  /** The loaded room for `docId`, if any. */
  get(docId: string): Room | undefined {
    return this.rooms.get(docId);
  }

  /** The room for `docId`, loading the document if needed; rejects with {@link NoSuchDocument} if it does not exist. */
  acquire(docId: string): Promise<Room> {
    this.cancelUnload(docId);
    const loaded = this.rooms.get(docId);
    if (loaded) {
      loaded.acquisitions++;
      return Promise.resolve(loaded);
    }
    let pending = this.loading.get(docId);
    if (!pending) {
      pending = this.load(docId).finally(() => this.loading.delete(docId));
      this.loading.set(docId, pending);
    }
    return pending;
  }

  /** Call when a room may have become empty: schedules its unload. */
  released(room: Room): void {
    if (room.members.size > 0 || this.rooms.get(room.id) !== room) return;
    this.options.hooks?.emptied?.(room);
    this.cancelUnload(room.id);
    const timer = setTimeout(() => {
      this.unloadTimers.delete(room.id);
      void this.unload(room);
    }, this.options.idleUnloadMs);
    timer.unref();
    this.unloadTimers.set(room.id, timer);
  }

  /** After a document's updates committed: log counters, title, compaction. */
  private committed(docId: string, lastSeq: number, rows: number, bytes: number): void {
    const room = this.rooms.get(docId);
    if (!room) return;
    room.logRows += rows;
    room.logBytes += bytes;
    room.lastSeq = Math.max(room.lastSeq, lastSeq);
    const title = room.takeTitleChange();
    if (title !== null)
      this.store.setTitle(docId, title).catch((err) => this.log.warn({ err, doc: docId }, 'title not stored'));
    if (this.shouldCompact(room)) void this.compact(room);
  }

  /** Stores the merged state of the room's document in place of its log. */
  async compact(room: Room): Promise<void> {
    if (room.compacting) return;
    room.compacting = true;
    try {
      // The in-memory state covers every committed row up to lastSeq (and perhaps more, which is harmless).
      const upToSeq = room.lastSeq;
      // The cached full state when there is one; encoded now otherwise, and kept for the next join.
      const state = room.fullState();
      const stateVector = Y.encodeStateVector(room.doc);
      // With the state's own vector no items qualify: what is left is the delete set alone.
      const deleteSetUpdate = Y.encodeStateAsUpdate(room.doc, stateVector);
      const stateSeq = await this.store.compact(room.id, state, upToSeq, { stateVector, deleteSetUpdate });
      // The next compaction must replace this row too, even if nothing is appended before it.
      room.lastSeq = Math.max(room.lastSeq, stateSeq);
      this.log.debug({ doc: room.id, rows: room.logRows, bytes: room.logBytes, state: state.byteLength }, 'compacted');
      room.logRows = 1;
      room.logBytes = state.byteLength;
      room.compactedBytes = state.byteLength;
    } catch (err) {
      this.log.error({ err, doc: room.id }, 'compaction failed; the log is kept');
    } finally {
      room.compacting = false;
    }
  }

  /**
   * Runs `work` on the document's room, loading it if needed, and lets it unload
   * afterwards if nobody has it open. For server-side changes (rename, restore, export).
   * Rejects with {@link NoSuchDocument} for a document that does not exist (never creates one).
   */
  async withRoom<T>(docId: string, work: (room: Room) => T | Promise<T>): Promise<T> {
    const room = await this.acquire(docId);
    try {
      return await work(room);
    } finally {
      this.released(room);
    }
  }

  /**
   * A document's content without loading it into a room: the live state when it is
   * loaded, else its stored updates in order (everything is stored before a room unloads).
   * Null when the document does not exist. For reading (export, diff), on a worker.
   */
  async contentOf(docId: string): Promise<Uint8Array[] | null> {
    const room = this.rooms.get(docId);
    if (room) return [room.fullState()];
    const stored = await this.store.load(docId);
    return stored ? stored.updates : null;
  }

  /**
   * Drops a document from memory at once, without storing anything more (it is
   * being deleted). Members are removed; the caller tells them why first.
   */
  async evict(docId: string): Promise<void> {
    await this.loading.get(docId)?.catch(() => undefined);
    this.cancelUnload(docId);
    const room = this.rooms.get(docId);
    if (!room) return;
    // Pending writes for a deleted document would fail on the foreign key; let them land first.
    await this.writes.ticketFor(docId).durable();
    for (const memberId of [...room.members.keys()]) room.removeMember(memberId);
    this.rooms.delete(docId);
    room.destroy();
  }

  /** Stores everything and unloads every room (for shutdown). */
  async closeAll(): Promise<void> {
    for (const timer of this.unloadTimers.values()) clearTimeout(timer);
    this.unloadTimers.clear();
    await Promise.allSettled([...this.loading.values()]);
    await this.writes.durable();
    for (const room of this.rooms.values()) {
      const title = room.takeTitleChange();
      if (title !== null) await this.store.setTitle(room.id, title).catch(() => undefined);
      room.destroy();
    }
    this.rooms.clear();
  }

  private shouldCompact(room: Room): boolean {
    return (
      room.logRows > this.options.compactRows ||
      room.logBytes - room.compactedBytes > Math.max(this.options.compactBytes, room.compactedBytes)
    );
  }

  private async load(docId: string): Promise<Room> {
    const started = Date.now();
    const stored = await this.store.load(docId);
    if (!stored) throw new NoSuchDocument(docId);
    const room = new Room(docId, stored, {
      io: this.io,
      writes: this.writes,
      log: this.log,
      splitUpdate: this.options.splitUpdate,
    });
    this.rooms.set(docId, room);
    this.options.hooks?.loaded?.(room);
    this.log.debug({ doc: docId, updates: stored.updates.length, ms: Date.now() - started }, 'document loaded');
    return room;
  }

  private async unload(room: Room): Promise<void> {
    if (room.members.size > 0 || this.rooms.get(room.id) !== room) return;
    // Anyone who acquires the room while we wait below keeps it loaded.
    const acquisitions = room.acquisitions;
    const title = room.takeTitleChange();
    if (title !== null)
      await this.store
        .setTitle(room.id, title)
        .catch((err) => this.log.warn({ err, doc: room.id }, 'title not stored'));
    // Never drop a document whose changes are not stored yet.
    await this.writes.ticketFor(room.id).durable();
    if (room.acquisitions !== acquisitions || room.members.size > 0 || this.rooms.get(room.id) !== room) return;
    if (this.writes.hasPending(room.id)) {
      this.released(room);
      return;
    }
    this.rooms.delete(room.id);
    room.destroy();
    this.log.debug({ doc: room.id }, 'document unloaded');
  }

  private cancelUnload(docId: string): void {
    const timer = this.unloadTimers.get(docId);
    if (timer) clearTimeout(timer);
    this.unloadTimers.delete(docId);
  }
}
