import type { Logger } from 'pino';
import * as Y from 'yjs';
import type { Member } from '../rooms/Member.js';
import type { ChangeOrigin } from '../rooms/origins.js';
import type { Room } from '../rooms/Room.js';
import { DocumentGone, type VersionStore } from '../storage/VersionStore.js';
import type { VersionState } from '../storage/versionPacking.js';
import { memberIdentity, type Identity } from './identity.js';

/** A document's content when a snapshot was taken, and who edited since the previous one. */
export interface Capture {
  state: VersionState;
  authors: string[];
}

/** What history tracks for one loaded room between two snapshots. */
export class RoomTracker {
  dirty = false;
  firstChangeAt = 0;
  lastChangeAt = 0;
  timer: ReturnType<typeof setTimeout> | null = null;
  /** Names of the people who changed the document since the last snapshot. */
  readonly authors = new Set<string>();
  /** Members whose changes arrived before their presence named them; named at snapshot time. */
  readonly unnamed = new Set<Member>();
  /** Client ids already recorded as belonging to someone ("name\0colour"), to write each once. */
  readonly recorded = new Map<number, string>();
  /**
   * The version last restored, until the next snapshot: the automatic snapshot after a
   * restore records it (`restoreOf`), so history can call it "Restored from …".
   */
  restoredFrom: number | null = null;

  constructor(readonly room: Room) {}
}

/** What {@link AutoSnapshots} needs. */
export interface AutoSnapshotDeps {
  /** Null when the store keeps no history: nothing is tracked. */
  versions: VersionStore | null;
  log: Logger;
  /** Snapshot once a burst of editing has been quiet this long… */
  quietMs: number;
  /** …and at least this often while it goes on. */
  maxIntervalMs: number;
  now: () => number;
  /** Called after each automatic snapshot is stored (retention runs there). */
  stored: (docId: string) => Promise<unknown>;
}

/**
 * Follows each loaded room: who changes it (credited to the name their presence shows,
 * and their Yjs client ids recorded so diffs can say who wrote what), and when to take
 * an automatic snapshot — after a burst of editing goes quiet, at least every
 * `maxIntervalMs` while it goes on, when the last person leaves, and when the room is
 * unloaded or the server stops.
 */
export class AutoSnapshots {
  /** Automatic versions stored by this node (for /metrics). */
  taken = 0;
  private readonly trackers = new Map<string, RoomTracker>();
  private closed = false;
  /** Snapshots being stored. */
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: AutoSnapshotDeps) {}

  /** The last person left a room: what changed since the last snapshot is kept now. */
  emptied(room: Room): void {
    const tracker = this.trackers.get(room.id);
    if (tracker?.room === room && tracker.dirty) this.start(tracker);
  }

  /** The tracker of a loaded room, created (and wired to its document) on first use. */
  trackerFor(room: Room): RoomTracker {
    const existing = this.trackers.get(room.id);
    if (existing?.room === room) return existing;
    const tracker = new RoomTracker(room);
    if (!this.deps.versions || this.closed) return tracker;
    this.trackers.set(room.id, tracker);
    // Server-side edits are not followed: a restore says itself what it did (restored()), and
    // a rename alone is not worth a version. So the change event never leads back into history.
    room.onChange((_update, origin) => {
      if (origin?.source !== 'server') this.changed(tracker, origin);
    });
    // The room is going (idle unload, deletion, shutdown): keep what changed since the last snapshot.
    room.onDestroy(() => {
      this.clearTimer(tracker);
      if (tracker.dirty && !this.closed) this.start(tracker);
      if (this.trackers.get(room.id) === tracker) this.trackers.delete(room.id);
    });
    return tracker;
  }

  /**
   * Takes the room's state (or `state`, when the caller knows it is the room's state now,
   * encoded elsewhere) and the authors since the last snapshot, synchronously, so nothing
   * can slip in between; the tracker starts afresh.
   */
  capture(tracker: RoomTracker, state?: VersionState): Capture {
    for (const member of tracker.unnamed) {
      const who = memberIdentity(tracker.room, member);
      if (who) tracker.authors.add(who.name);
    }
    const authors = [...tracker.authors].sort((a, b) => a.localeCompare(b));
    tracker.authors.clear();
    tracker.restoredFrom = null;
    tracker.unnamed.clear();
    tracker.dirty = false;
    this.clearTimer(tracker);
    // The room's last whole encoding and the changes since, merged by the packing job on a
    // worker: a document changed since it was last encoded is not encoded again on the loop
    // (~70 ms for a 3 MB document), unless the room dropped its encoding (the changes since
    // outweighed it) and must encode afresh.
    return { state: state ?? tracker.room.stateParts(), authors };
  }

  /** Puts a capture that could not be stored back, so the next snapshot includes it. */
  uncapture(tracker: RoomTracker, capture: Capture): void {
    for (const name of capture.authors) tracker.authors.add(name);
    if (!tracker.dirty) {
      tracker.dirty = true;
      tracker.firstChangeAt = tracker.lastChangeAt = this.deps.now();
    }
    this.arm(tracker);
  }

  /** Records that Yjs client ids belong to `who` in the tracker's document (written once per id and identity). */
  recordAuthors(tracker: RoomTracker, clients: readonly number[], who: Identity): void {
    const { versions } = this.deps;
    const key = `${who.name}\0${who.color ?? ''}`;
    const fresh = clients.filter((id) => tracker.recorded.get(id) !== key);
    if (fresh.length === 0 || !versions) return;
    for (const id of fresh) tracker.recorded.set(id, key);
    versions
      .recordAuthors(
        tracker.room.id,
        fresh.map((clientId) => ({ clientId, ...who })),
      )
      .catch((err: unknown) => {
        for (const id of fresh) tracker.recorded.delete(id);
        this.deps.log.warn({ err, doc: tracker.room.id }, 'authors not recorded');
      });
  }

  /** A restore of version `of` changed the room's document: an edit like any other, credited to whoever restored it. */
  restored(tracker: RoomTracker, by: string | null, of: number): void {
    this.changed(tracker, null);
    if (by !== null) tracker.authors.add(by);
    tracker.restoredFrom = of;
  }

  /** Stops taking snapshots (server shutdown); resolves once those already started are stored. */
  async close(): Promise<void> {
    this.closed = true;
    for (const tracker of this.trackers.values()) this.clearTimer(tracker);
    this.trackers.clear();
    await Promise.all([...this.running]);
  }

  private changed(tracker: RoomTracker, change: ChangeOrigin | null): void {
    const now = this.deps.now();
    if (!tracker.dirty) {
      tracker.dirty = true;
      tracker.firstChangeAt = now;
    }
    tracker.lastChangeAt = now;
    if (change?.source === 'member') this.credit(tracker, change.member, change.clients);
    this.arm(tracker);
  }

  /** Credits a member's change to the name its presence shows, and records its client ids for diffs. */
  private credit(tracker: RoomTracker, member: Member, clients: readonly number[]): void {
    const who = memberIdentity(tracker.room, member);
    if (!who) {
      tracker.unnamed.add(member);
      return;
    }
    tracker.authors.add(who.name);
    this.recordAuthors(tracker, clients, who);
  }

  /**
   * Sets the timer for the next automatic snapshot: when editing pauses, or when the
   * interval runs out. One timer per room, re-armed when it fires early, rather than
   * a new timer for every keystroke.
   */
  private arm(tracker: RoomTracker): void {
    if (tracker.timer || this.closed) return;
    const { quietMs, maxIntervalMs, now } = this.deps;
    const due = Math.min(tracker.lastChangeAt + quietMs, tracker.firstChangeAt + maxIntervalMs);
    tracker.timer = setTimeout(
      () => {
        tracker.timer = null;
        if (!tracker.dirty) return;
        const at = now();
        if (at >= tracker.lastChangeAt + quietMs || at >= tracker.firstChangeAt + maxIntervalMs) this.start(tracker);
        else this.arm(tracker);
      },
      Math.max(0, due - now()),
    );
    tracker.timer.unref();
  }

  private clearTimer(tracker: RoomTracker): void {
    if (tracker.timer) clearTimeout(tracker.timer);
    tracker.timer = null;
  }

  /** Takes a snapshot, remembered until it is stored so shutdown can wait for it (a remote database takes a while). */
  private start(tracker: RoomTracker): void {
    const running = this.snapshot(tracker).finally(() => this.running.delete(running));
    this.running.add(running);
  }

  private async snapshot(tracker: RoomTracker): Promise<void> {
    const { versions } = this.deps;
    if (!tracker.dirty || !versions) return;
    const docId = tracker.room.id;
    const restoreOf = tracker.restoredFrom;
    const capture = this.capture(tracker);
    try {
      const version = await versions.addVersion({
        docId,
        kind: 'auto',
        name: null,
        createdAt: this.deps.now(),
        restoreOf,
        ...capture,
      });
      this.taken++;
      this.deps.log.debug({ doc: docId, version: version.id, size: version.size }, 'snapshot taken');
    } catch (err) {
      if (err instanceof DocumentGone) {
        // Deleted while its last changes were being snapshotted: there is nothing to keep them for.
        this.deps.log.debug({ doc: docId }, 'snapshot dropped: the document was deleted');
        return;
      }
      this.deps.log.error({ err, doc: docId }, 'snapshot failed; will retry');
      if (this.trackers.get(docId) === tracker) this.uncapture(tracker, capture);
      return;
    }
    try {
      await this.deps.stored(docId);
    } catch (err) {
      this.deps.log.warn({ err, doc: docId }, 'retention failed; old snapshots are kept for now');
    }
  }
}
