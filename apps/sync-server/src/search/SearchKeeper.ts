import type { Logger } from 'pino';
import type * as Y from 'yjs';
import { docText, docTitle } from '@tandem/crdt-bridge/schema';
import type { Room } from '../rooms/Room.js';
import type { RoomRegistry } from '../rooms/RoomRegistry.js';
import type { SearchIndex } from '../storage/SearchIndex.js';
import { docOf } from '../work/stateSource.js';
import type { WorkerPool } from '../work/WorkerPool.js';
import { MAX_INDEXED_CHARS, indexedText } from './searchText.js';

/** A document's title and text as the index holds them. */
type IndexedText = { title: string; body: string };

/** Above this many bytes of encoded state, a document's text is read on a worker. */
const OFF_LOOP_BYTES = 64 * 1024;

/** The title and indexed text of `doc`. */
function textOf(doc: Y.Doc): IndexedText {
  return indexedText(docTitle(doc), docText(doc, MAX_INDEXED_CHARS));
}

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
    /** Where the text is read (a big document's takes the event loop tens of milliseconds); null: here. */
    private readonly work: WorkerPool | null = null,
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

  /**
   * The room's title and text now: read here from its document, or — for a big document
   * whose encoded state the room holds already — taken as that state and read on a worker.
   */
  private read(room: Room): IndexedText | Promise<IndexedText> {
    const parts = this.work ? room.encodedStateParts() : null;
    if (parts === null || parts.reduce((n, p) => n + p.byteLength, 0) < OFF_LOOP_BYTES) return textOf(room.content());
    return this.work!.run('documentText', { source: { updates: parts }, maxChars: MAX_INDEXED_CHARS }).then(
      ({ title, text }) => indexedText(title, text),
      (err: unknown) => {
        this.log.warn({ err, doc: room.id }, 'search text read on the event loop: the worker pool could not take it');
        const doc = docOf({ updates: parts });
        try {
          return textOf(doc);
        } finally {
          doc.destroy();
        }
      },
    );
  }

  /** Takes the room's state now and writes its title and text if they changed (read off the event loop, in order). */
  private flush(entry: Tracked): void {
    entry.firstChangeAt = 0;
    const { room } = entry;
    if (room.isDestroyed) return;
    // Read (or its state taken) now: the text is of this moment.
    const reading = this.read(room);
    const docId = room.id;
    let text: IndexedText | null = null;
    const writing: Promise<void> = (this.inFlight.get(docId) ?? Promise.resolve())
      .then(async () => {
        text = await reading;
        const { written } = entry;
        if (written && written.title === text.title && written.body === text.body) return;
        entry.written = text;
        await this.index.write(docId, text);
        this.textsWritten++;
      })
      .catch((err: unknown) => {
        // Written again at the next change.
        if (text !== null && entry.written === text) entry.written = null;
        this.log.warn({ err, doc: docId }, 'search index not updated');
      })
      .finally(() => {
        if (this.inFlight.get(docId) === writing) this.inFlight.delete(docId);
      });
    this.inFlight.set(docId, writing);
  }
}
