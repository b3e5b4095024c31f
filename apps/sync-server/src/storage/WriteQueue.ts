import type { Logger } from 'pino';
import type { AppendEntry, DocumentStore } from './DocumentStore.js';
import { StorageUnavailableError, describeStorageError } from './storageErrors.js';

interface Batch {
  entries: AppendEntry[];
  /** Called once every entry of this batch (and of all batches before it) is committed. */
  waiters: (() => void)[];
}

/** Hooks the queue calls as batches commit or fail. */
export interface WriteQueueHooks {
  /** A batch committed; `lastSeq` and `stats` are per document. */
  committed?(docId: string, lastSeq: number, rows: number, bytes: number): void;
  /** A batch failed to commit and will be retried; the documents named are not durable yet. */
  failed?(error: unknown, docIds: ReadonlySet<string>): void;
  /** A batch committed, in `seconds`, holding `updates` updates (for metrics). */
  timed?(seconds: number, updates: number): void;
  /** A batch that had failed is now committed. */
  recovered?(docIds: ReadonlySet<string>): void;
}

/** Options for {@link WriteQueue}. */
export interface WriteQueueOptions {
  /** Extra time to gather updates before committing; 0 commits at the end of the current event-loop turn. */
  delayMs?: number;
  /** Runs the commit at the end of the turn (default `setImmediate`); the server queues it behind outgoing messages. */
  atEndOfTurn?: (run: () => void) => void;
  /** First retry delay after a failed commit; doubles up to `retryMaxMs`. */
  retryMinMs?: number;
  retryMaxMs?: number;
}

function emptyBatch(): Batch {
  return { entries: [], waiters: [] };
}

/**
 * Group commit: every update that arrives in one event-loop turn (or within
 * `delayMs`) is written in one transaction, and only then are the senders told
 * it is stored. A failed commit is retried with backoff, and nothing is
 * acknowledged until it succeeds; later updates queue behind it in order.
 */
export class WriteQueue {
  private collecting: Batch = emptyBatch();
  private inflight: Batch | null = null;
  private scheduled = false;
  private retryDelay: number;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private failing = false;
  private failure: unknown = null;
  private commitStartedAt: number | null = null;
  /** Waiters of {@link durableOrFail}, told when a commit fails. */
  private readonly failureListeners = new Set<(error: unknown) => void>();
  private readonly pendingByDoc = new Map<string, number>();

  constructor(
    private readonly store: DocumentStore,
    private readonly log: Logger,
    private readonly hooks: WriteQueueHooks = {},
    private readonly options: WriteQueueOptions = {},
  ) {
    this.retryDelay = options.retryMinMs ?? 100;
  }

  /** Queues one update for the next commit. */
  enqueue(docId: string, update: Uint8Array): void {
    this.collecting.entries.push({ docId, update });
    this.pendingByDoc.set(docId, (this.pendingByDoc.get(docId) ?? 0) + 1);
    this.schedule();
  }

  /** Calls `callback` once everything queued so far is committed (at once if nothing is pending). */
  whenDurable(callback: () => void): void {
    if (this.collecting.entries.length > 0) this.collecting.waiters.push(callback);
    else if (this.inflight) this.inflight.waiters.push(callback);
    else callback();
  }

  /** Resolves once everything queued so far is committed. */
  durable(): Promise<void> {
    return new Promise((resolve) => this.whenDurable(resolve));
  }

  /**
   * Resolves once everything queued so far is committed, like {@link durable}, but
   * rejects with a StorageUnavailableError as soon as a commit fails (or at once while
   * commits are failing), for a request that should not wait for storage to recover.
   * What was queued stays queued and is stored on recovery.
   */
  durableOrFail(): Promise<void> {
    if (this.failing) return Promise.reject(this.unavailable(this.failure));
    return new Promise((resolve, reject) => {
      const onFailure = (error: unknown): void => reject(this.unavailable(error));
      this.failureListeners.add(onFailure);
      this.whenDurable(() => {
        this.failureListeners.delete(onFailure);
        resolve();
      });
    });
  }

  /** Whether `docId` has updates not yet committed. */
  hasPending(docId: string): boolean {
    return (this.pendingByDoc.get(docId) ?? 0) > 0;
  }

  /** Whether the last commit attempt failed and a retry is waiting. */
  get isFailing(): boolean {
    return this.failing;
  }

  /** The error of the last failed commit while commits are failing; null once one succeeds again. */
  get lastError(): unknown {
    return this.failing ? this.failure : null;
  }

  /** When (`Date.now()`) the commit now waiting for storage started, or null when none is. */
  get commitInFlightSince(): number | null {
    return this.commitStartedAt;
  }

  /** Commits what is queued now rather than at the end of the turn (used at shutdown). */
  async flushNow(): Promise<void> {
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    await this.flush();
  }

  private unavailable(error: unknown): StorageUnavailableError {
    return new StorageUnavailableError(describeStorageError(error), { cause: error });
  }

  private schedule(): void {
    if (this.scheduled || this.inflight) return;
    this.scheduled = true;
    const run = (): void => {
      this.scheduled = false;
      void this.flush();
    };
    const delay = this.options.delayMs ?? 0;
    if (delay > 0) setTimeout(run, delay);
    else if (this.options.atEndOfTurn) this.options.atEndOfTurn(run);
    else setImmediate(run);
  }

  private async flush(): Promise<void> {
    if (this.inflight && this.inflight.entries.length > 0 && !this.failing) return;
    let batch: Batch;
    if (this.inflight) {
      // Retrying after a failure: fold in everything that queued up meanwhile.
      batch = this.inflight;
      batch.entries.push(...this.collecting.entries);
      batch.waiters.push(...this.collecting.waiters);
    } else {
      batch = this.collecting;
    }
    this.collecting = emptyBatch();
    if (batch.entries.length === 0) {
      this.inflight = null;
      for (const waiter of batch.waiters) waiter();
      return;
    }
    this.inflight = batch;
    const docIds = new Set(batch.entries.map((e) => e.docId));
    let lastSeqs: Map<string, number>;
    const started = performance.now();
    this.commitStartedAt = Date.now();
    try {
      lastSeqs = await this.store.append(batch.entries, Date.now());
      this.commitStartedAt = null;
      this.hooks.timed?.((performance.now() - started) / 1000, batch.entries.length);
    } catch (error) {
      this.commitStartedAt = null;
      this.log.error(
        { err: error, documents: [...docIds], updates: batch.entries.length },
        'commit failed; will retry',
      );
      this.failing = true;
      this.failure = error;
      this.hooks.failed?.(error, docIds);
      for (const listener of this.failureListeners) listener(error);
      this.failureListeners.clear();
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        void this.flush();
      }, this.retryDelay);
      this.retryDelay = Math.min(this.retryDelay * 2, this.options.retryMaxMs ?? 5_000);
      return;
    }
    this.inflight = null;
    const perDoc = new Map<string, { rows: number; bytes: number }>();
    for (const { docId, update } of batch.entries) {
      const s = perDoc.get(docId) ?? { rows: 0, bytes: 0 };
      s.rows++;
      s.bytes += update.byteLength;
      perDoc.set(docId, s);
      const left = (this.pendingByDoc.get(docId) ?? 1) - 1;
      if (left > 0) this.pendingByDoc.set(docId, left);
      else this.pendingByDoc.delete(docId);
    }
    if (this.failing) {
      this.failing = false;
      this.failure = null;
      this.retryDelay = this.options.retryMinMs ?? 100;
      this.log.info({ documents: [...docIds] }, 'storage recovered; pending updates committed');
      this.hooks.recovered?.(docIds);
    }
    for (const [docId, s] of perDoc) this.hooks.committed?.(docId, lastSeqs.get(docId) ?? 0, s.rows, s.bytes);
    for (const waiter of batch.waiters) waiter();
    if (this.collecting.entries.length > 0 || this.collecting.waiters.length > 0) this.schedule();
  }
}
