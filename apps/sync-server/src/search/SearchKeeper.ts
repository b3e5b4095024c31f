import type { Logger } from 'pino';
import { docText, docTitle } from '@tandem/crdt-bridge/schema';
import type { Room } from '../rooms/Room.js';
import type { RoomRegistry } from '../rooms/RoomRegistry.js';
import type { SearchIndex } from '../storage/SearchIndex.js';
import { MAX_INDEXED_CHARS, indexedText } from './searchText.js';

/** When the index is brought up to date after edits. */
export interface SearchKeeperOptions {
  /** After this long without a change to a document. */
  quietMs: number;
  /** And at the latest this long after the first change not yet indexed, however the typing goes on. */
  maxWaitMs: number;
}

/** The index's view of one loaded document. */
interface Tracked {
  room: Room;
  /** What was last written for it (null: not known, so the next pass writes). */
  written: { title: string; body: string } | null;
  /** When the first change not yet indexed came (0: none waiting), and the latest. */
  firstChangeAt: number;
  lastChangeAt: number;
  timer: ReturnType<typeof setTimeout> | null;
}

/**
 * Keeps the search index in step with the documents being edited, off the hot path: a
 * few seconds after editing pauses (or every `maxWaitMs` while it goes on), and when the
 * room unloads, it reads the title and the start of the text from the room's Y.Doc — never
 * the stored log — and writes them only when they changed. A keystroke costs a timestamp.
 */
export class SearchKeeper {
  private readonly tracked = new Map<string, Tracked>();
  /** Writes in flight, by document: one at a time each, so an older text never lands after a newer one. */
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Texts written by this node (for tests and /metrics). */
  textsWritten = 0;

  constructor(
    private readonly index: SearchIndex,
    registry: RoomRegistry,
    private readonly log: Logger,
    private readonly options: SearchKeeperOptions,
  ) {
    registry.onLoaded((room) => this.follow(room));
  }

  /** Resolves once every write in flight is done (for shutdown and tests). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private follow(room: Room): void {
    const entry: Tracked = { room, written: null, firstChangeAt: 0, lastChangeAt: 0, timer: null };
    this.tracked.set(room.id, entry);
    room.onChange(() => this.changed(entry));
    room.onDestroy(() => {
      if (entry.timer) clearTimeout(entry.timer);
      entry.timer = null;
      // The content is still there while destroy listeners run.
      if (entry.firstChangeAt !== 0) this.flush(entry);
      if (this.tracked.get(room.id) === entry) this.tracked.delete(room.id);
    });
    // A document never indexed (older than the index) is indexed now, not at its next edit.
    this.index.isMissing(room.id).then(
      (missing) => missing && !room.isDestroyed && this.changed(entry),
      (err: unknown) => this.log.warn({ err, doc: room.id }, 'search index not checked'),
    );
  }

  private changed(entry: Tracked): void {
    const now = Date.now();
    entry.lastChangeAt = now;
    if (entry.firstChangeAt === 0) entry.firstChangeAt = now;
    entry.timer ??= this.wake(entry, this.options.quietMs);
  }

  private wake(entry: Tracked, afterMs: number): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      entry.timer = null;
      const now = Date.now();
      const quietFor = now - entry.lastChangeAt;
      const waitedFor = now - entry.firstChangeAt;
      if (quietFor < this.options.quietMs && waitedFor < this.options.maxWaitMs) {
        entry.timer = this.wake(entry, Math.min(this.options.quietMs - quietFor, this.options.maxWaitMs - waitedFor));
        return;
      }
      this.flush(entry);
    }, afterMs);
    timer.unref();
    return timer;
  }

  /** Reads the room's title and text now and writes them if they changed. */
  private flush(entry: Tracked): void {
    entry.firstChangeAt = 0;
    const { room } = entry;
    if (room.isDestroyed) return;
    const doc = room.content();
    const text = indexedText(docTitle(doc), docText(doc, MAX_INDEXED_CHARS));
    if (entry.written && entry.written.title === text.title && entry.written.body === text.body) return;
    entry.written = text;
    const docId = room.id;
    const writing: Promise<void> = (this.inFlight.get(docId) ?? Promise.resolve())
      .then(() => this.index.write(docId, text))
      .then(() => void this.textsWritten++)
      .catch((err: unknown) => {
        // Written again at the next change.
        if (entry.written === text) entry.written = null;
        this.log.warn({ err, doc: docId }, 'search index not updated');
      })
      .finally(() => {
        if (this.inFlight.get(docId) === writing) this.inFlight.delete(docId);
      });
    this.inFlight.set(docId, writing);
  }
}
