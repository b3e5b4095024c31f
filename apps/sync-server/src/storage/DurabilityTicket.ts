import { StorageUnavailableError, describeStorageError } from './storageErrors.js';

/**
 * One document's queue of writes, as the {@link WriteQueue} keeps it: updates not yet
 * committed (in order), how many were ever queued and committed, and who waits for what.
 */
export class DocumentLine {
  /** Updates not yet committed, oldest first; the first `inFlight` are in the commit running now. */
  readonly held: Uint8Array[] = [];
  inFlight = 0;
  /** Updates ever queued, and ever committed, for this document. */
  enqueued = 0;
  committed = 0;
  /** The error of the last failed commit while this document's commits fail; null otherwise. */
  failure: unknown = null;
  /** When (`Date.now()`) to try a failed commit again, and how long to wait after the next failure. */
  retryAt = 0;
  retryDelay = 0;
  /** Callbacks waiting for the `n`-th update to be committed, by `n`. */
  private waiting: { n: number; done: () => void }[] = [];
  /** Callbacks to tell when a commit of this document fails. */
  private readonly failureWatchers = new Set<(error: Error) => void>();

  constructor(readonly docId: string) {}

  /** Whether nothing is queued, waited for or failing: the queue may forget this line. */
  get idle(): boolean {
    return this.held.length === 0 && this.waiting.length === 0 && this.failure === null;
  }

  /** Calls `done` once the `n`-th update queued is committed (at once if it is). */
  wait(n: number, done: () => void): void {
    if (n <= this.committed) done();
    else this.waiting.push({ n, done });
  }

  /** Tells `watcher` when a commit fails, until `unwatch` is called. */
  watchFailures(watcher: (error: Error) => void): () => void {
    this.failureWatchers.add(watcher);
    return () => this.failureWatchers.delete(watcher);
  }

  /** Calls back everyone waiting for updates committed by now, in the order they asked. */
  release(): void {
    if (this.waiting.length === 0) return;
    // One pass, once per commit per document: usually every waiter is ready.
    const ready: { n: number; done: () => void }[] = [];
    const left: { n: number; done: () => void }[] = [];
    for (const w of this.waiting) (w.n <= this.committed ? ready : left).push(w);
    if (ready.length === 0) return;
    this.waiting = left;
    for (const w of ready) w.done();
  }

  /**
   * The document's writes can never be stored from here (another node owns it now): tells
   * the failure watchers, and drops every update and waiter, so nothing is acknowledged.
   */
  abandon(error: Error): void {
    this.held.length = 0;
    this.inFlight = 0;
    this.waiting = [];
    this.failed(error);
  }

  /** Tells the failure watchers that a commit failed with `error`. */
  failed(error: Error): void {
    for (const watcher of [...this.failureWatchers]) watcher(error);
  }
}

/**
 * What an acknowledgement waits on: the moment one document's updates, up to a given one,
 * are committed. Handed out by `WriteQueue.enqueue` (the update just queued) and
 * `WriteQueue.ticketFor` (everything queued so far for a document).
 */
export class DurabilityTicket {
  constructor(
    private readonly line: DocumentLine,
    private readonly n: number,
  ) {}

  /** The document the ticket is for. */
  get docId(): string {
    return this.line.docId;
  }

  /** Whether the updates it covers are committed. */
  get isDurable(): boolean {
    return this.n <= this.line.committed;
  }

  /** Calls `callback` once the updates it covers are committed (at once if they are). */
  whenDurable(callback: () => void): void {
    this.line.wait(this.n, callback);
  }

  /** Resolves once the updates it covers are committed, however long storage takes to recover. */
  durable(): Promise<void> {
    return new Promise((resolve) => this.whenDurable(resolve));
  }

  /**
   * Resolves like {@link durable}, but rejects (a StorageUnavailableError) as soon as a
   * commit of this document fails, or at once while its commits fail: for a request that
   * should not wait for storage to recover. The updates stay queued and are stored on recovery.
   */
  durableOrFail(): Promise<void> {
    if (this.isDurable) return Promise.resolve();
    const { failure } = this.line;
    if (failure !== null)
      return Promise.reject(new StorageUnavailableError(describeStorageError(failure), { cause: failure }));
    return new Promise((resolve, reject) => {
      const unwatch = this.line.watchFailures((error) => {
        unwatch();
        reject(error);
      });
      this.whenDurable(() => {
        unwatch();
        resolve();
      });
    });
  }
}
