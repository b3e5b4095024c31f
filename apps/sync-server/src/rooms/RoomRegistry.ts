import type { Logger } from 'pino';
import type { DocumentStore, StoredDocument } from '../storage/DocumentStore.js';
import type { WriteQueue } from '../storage/WriteQueue.js';
import type { Outgoing, RoomAudience } from './audience.js';
import { Room } from './Room.js';

/** Raised when a document is asked for that does not exist: loading never creates one. */
export class NoSuchDocument extends Error {
  override readonly name = 'NoSuchDocument';
  constructor(readonly docId: string) {
    super(`there is no document ${docId}`);
  }
}

/** Options for {@link RoomRegistry}. */
export interface RoomRegistryOptions {
  /** How long a room with no members stays loaded. */
  idleUnloadMs: number;
  /** Splits a large client update into parts, off the event loop (see `ContentIntake`). */
  splitUpdate: (update: Uint8Array) => Promise<Uint8Array[] | null>;
  /** The fan-out of one document's room (Socket.IO rooms on this node). */
  audienceFor: (docId: string) => RoomAudience;
}

type LoadedListener = (room: Room, stored: StoredDocument) => void;
type RoomListener = (room: Room) => void;

/**
 * The loaded documents. Loads each once however many join at the same moment
 * (single-flight), and unloads a room after it has been empty for a while and its
 * writes are stored. Whoever follows rooms (history, compaction, titles) subscribes to
 * `onLoaded`/`onEmptied`/`onUnloading`; nothing here knows about them.
 */
export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();
  private readonly loading = new Map<string, Promise<Room>>();
  private readonly unloadTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Acquisitions per room, so an unload that waited on storage sees someone took the room meanwhile. */
  private readonly acquisitions = new WeakMap<Room, number>();
  private readonly loadedListeners: LoadedListener[] = [];
  private readonly emptiedListeners: RoomListener[] = [];

  constructor(
    private readonly store: DocumentStore,
    private readonly writes: WriteQueue,
    private readonly log: Logger,
    private readonly options: RoomRegistryOptions,
  ) {}

  /** Number of documents in memory. */
  get size(): number {
    return this.rooms.size;
  }

  /** Number of loaded documents whose content is applied (the others are held as their stored row). */
  get applied(): number {
    let count = 0;
    for (const room of this.rooms.values()) if (room.contentLoaded) count++;
    return count;
  }

  /** The loaded room for `docId`, if any. */
  get(docId: string): Room | undefined {
    return this.rooms.get(docId);
  }

  /** Calls `listener` when a document was loaded into a room, with what was stored. */
  onLoaded(listener: LoadedListener): void {
    this.loadedListeners.push(listener);
  }

  /** Calls `listener` when nobody is in a room any more (its last member left, or server-side work on it ended). */
  onEmptied(listener: RoomListener): void {
    this.emptiedListeners.push(listener);
  }

  /** The room for `docId`, loading the document if needed; rejects with {@link NoSuchDocument} if it does not exist. */
  acquire(docId: string): Promise<Room> {
    this.cancelUnload(docId);
    const loaded = this.rooms.get(docId);
    if (loaded) {
      this.acquisitions.set(loaded, (this.acquisitions.get(loaded) ?? 0) + 1);
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
    for (const listener of this.emptiedListeners) listener(room);
    this.cancelUnload(room.id);
    const timer = setTimeout(() => {
      this.unloadTimers.delete(room.id);
      void this.unload(room);
    }, this.options.idleUnloadMs);
    timer.unref();
    this.unloadTimers.set(room.id, timer);
  }

  /**
   * Runs `work` on the document's room, loading it if needed, and lets it unload
   * afterwards if nobody has it open. For server-side work (rename, restore, export).
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
    if (room) return room.stateParts();
    const stored = await this.store.load(docId);
    return stored ? stored.updates : null;
  }

  /**
   * Drops a document from memory at once, without storing anything more (it is being
   * deleted): everyone in the room is sent `farewell`, then removed. Telling them here,
   * in the same turn as the removal, reaches whoever joined while the eviction waited.
   */
  async evict(docId: string, farewell?: Outgoing): Promise<void> {
    await this.loading.get(docId)?.catch(() => undefined);
    this.cancelUnload(docId);
    const room = this.rooms.get(docId);
    if (!room) return;
    // Pending writes for a deleted document would fail on the foreign key; let them land first.
    await this.writes.ticketFor(docId).durable();
    if (farewell) room.tellEveryone(farewell);
    for (const memberId of [...room.members.keys()]) room.removeMember(memberId);
    this.rooms.delete(docId);
    room.destroy();
  }

  /**
   * Drops a document this node no longer owns (another node claimed it; its writes were
   * refused): its members' connections are closed, so they reconnect and send their
   * unacknowledged changes again where the document runs now. Nothing is stored from here.
   */
  disown(docId: string): void {
    this.cancelUnload(docId);
    const room = this.rooms.get(docId);
    if (!room) return;
    this.rooms.delete(docId);
    room.closeConnections();
    for (const memberId of [...room.members.keys()]) room.removeMember(memberId);
    room.destroy();
    this.log.warn({ doc: docId }, 'document dropped: another node owns it now; its clients were disconnected');
  }

  /** Stores everything and unloads every room (for shutdown). */
  async closeAll(): Promise<void> {
    for (const timer of this.unloadTimers.values()) clearTimeout(timer);
    this.unloadTimers.clear();
    await Promise.allSettled([...this.loading.values()]);
    await this.writes.durable();
    for (const room of this.rooms.values()) room.destroy();
    this.rooms.clear();
  }

  private async load(docId: string): Promise<Room> {
    const started = Date.now();
    const stored = await this.store.load(docId, 'own');
    if (!stored) throw new NoSuchDocument(docId);
    const room = new Room(docId, stored, {
      audience: this.options.audienceFor(docId),
      journal: {
        append: (update) => this.writes.enqueue(docId, update),
        ticket: () => this.writes.ticketFor(docId),
      },
      log: this.log,
      splitUpdate: this.options.splitUpdate,
    });
    this.rooms.set(docId, room);
    this.acquisitions.set(room, 1);
    for (const listener of this.loadedListeners) listener(room, stored);
    this.log.debug(
      { doc: docId, updates: stored.updates.length, lastSeq: stored.lastSeq, ms: Date.now() - started },
      'document loaded',
    );
    return room;
  }

  private async unload(room: Room): Promise<void> {
    if (room.members.size > 0 || this.rooms.get(room.id) !== room) return;
    // Anyone who acquires the room while we wait below keeps it loaded.
    const acquisitions = this.acquisitions.get(room);
    // Never drop a document whose changes are not stored yet.
    await this.writes.ticketFor(room.id).durable();
    if (this.acquisitions.get(room) !== acquisitions || room.members.size > 0 || this.rooms.get(room.id) !== room)
      return;
    if (this.writes.hasPending(room.id)) {
      this.released(room);
      return;
    }
    this.rooms.delete(room.id);
    room.destroy();
    // Unless it is being loaded again already, whose claim then stands.
    if (!this.loading.has(room.id)) void this.store.release?.(room.id);
    this.log.debug({ doc: room.id }, 'document unloaded');
  }

  private cancelUnload(docId: string): void {
    const timer = this.unloadTimers.get(docId);
    if (timer) clearTimeout(timer);
    this.unloadTimers.delete(docId);
  }
}
