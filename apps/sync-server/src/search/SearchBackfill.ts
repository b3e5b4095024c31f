import type { Logger } from 'pino';
import type { RoomRegistry } from '../rooms/RoomRegistry.js';
import type { DocumentStore, SearchIndexed } from '../storage/DocumentStore.js';
import type { WorkerPool } from '../work/WorkerPool.js';
import { MAX_INDEXED_CHARS, indexedText } from './searchText.js';

/** Documents read per batch. */
const BATCH = 10;
/** Pause between batches, so a backfill never crowds out people's requests. */
const PAUSE_MS = 200;
/** Wait after a failure (storage or workers busy) before trying again. */
const RETRY_MS = 30_000;

/**
 * Indexes, in the background, the documents that have never been (those stored before the
 * index existed): a few at a time, each read once from storage and turned into text on a
 * worker thread, never on the event loop. A document open in a room is left to the room
 * (see SearchKeeper), and a text read here never replaces one a room wrote meanwhile.
 * Runs from start until none is left.
 */
export class SearchBackfill {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  /** Documents indexed by the backfill (for tests). */
  indexed = 0;
  /** Documents that could not be read or indexed this run; not tried again until the next start. */
  private readonly skipped = new Set<string>();

  constructor(
    private readonly store: SearchIndexed<DocumentStore>,
    private readonly registry: RoomRegistry,
    private readonly work: WorkerPool,
    private readonly log: Logger,
  ) {}

  /** Starts (or restarts) the backfill soon. */
  start(delayMs = 0): void {
    if (this.stopped || this.timer || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.batch()
        .then((more) => {
          this.running = null;
          if (more) this.start(PAUSE_MS);
        })
        .catch((err: unknown) => {
          this.running = null;
          this.log.warn({ err }, 'search backfill paused');
          this.start(RETRY_MS);
        });
    }, delayMs);
    this.timer.unref();
  }

  /** Stops after the batch in flight (for shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** Indexes one batch; resolves whether there may be more. */
  private async batch(): Promise<boolean> {
    const ids = (await this.store.search.missing(BATCH + this.skipped.size)).filter((id) => !this.skipped.has(id));
    for (const docId of ids.slice(0, BATCH)) {
      if (this.stopped) return false;
      // Open in a room: the room indexes it (see SearchKeeper), from newer content than what is stored.
      if (this.registry.get(docId)) {
        this.skipped.add(docId);
        continue;
      }
      await this.indexOne(docId);
    }
    return ids.length > 0;
  }

  private async indexOne(docId: string): Promise<void> {
    try {
      const stored = await this.store.load(docId, 'read');
      if (!stored) return;
      const { title, text } = await this.work.run('documentText', {
        source: { updates: stored.updates },
        maxChars: MAX_INDEXED_CHARS,
      });
      await this.store.search.write(docId, indexedText(title, text), { onlyIfMissing: true });
      this.indexed++;
    } catch (err) {
      this.skipped.add(docId);
      this.log.warn({ err, doc: docId }, 'document not indexed for search; it is indexed when next opened');
    }
  }
}
