import type { Logger } from 'pino';
import type { AppendEntry, DocumentStore } from './DocumentStore.js';
import { StorageUnavailableError, describeStorageError } from './storageErrors.js';
import { DocumentLine, DurabilityTicket } from './DurabilityTicket.js';
import { FencedOut } from './ownership.js';

export { DurabilityTicket } from './DurabilityTicket.js';

/** What one commit wrote for one document. */
export interface CommittedWrites {
  /** The log sequence number of the last row written. */
  lastSeq: number;
  rows: number;
  bytes: number;
}

/** Options for {@link WriteQueue}. */
export interface WriteQueueOptions {
  /** Extra time to gather updates before committing; 0 commits at the end of the current event-loop turn. */
  delayMs?: number;
  /** Runs the commit at the end of the turn (default `setImmediate`); the server queues it behind outgoing messages. */
  atEndOfTurn?: (run: () => void) => void;
  /** First retry delay after a document's commit failed; doubles up to `retryMaxMs`. */
  retryMinMs?: number;
  retryMaxMs?: number;
}

type CommittedListener = (docId: string, writes: CommittedWrites) => void;
type FailedListener = (docIds: readonly string[], error: unknown) => void;
type FencedListener = (docId: string, error: FencedOut) => void;
type TimedListener = (seconds: number, updates: number) => void;

/**
 * Group commit with an outcome per document. Every update enqueued in one event-loop
 * turn (or within `delayMs`) is written in one transaction; `enqueue` hands back a
 * {@link DurabilityTicket} that the sender's acknowledgement waits on.
 *
 * A commit that fails is split in halves and tried again until the documents whose
 * writes fail are found: the others are committed and acknowledged at once, and only
 * the failing ones wait, retried with backoff, keeping their updates in order. When every
 * document fails (the disk is full), that is said once, as a shared cause.
 */
export class WriteQueue {
  private readonly lines = new Map<string, DocumentLine>();
  private scheduled = false;
  private committing = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private commitStartedAt: number | null = null;
  private readonly committedListeners: CommittedListener[] = [];
  private readonly failedListeners: FailedListener[] = [];
  private readonly timedListeners: TimedListener[] = [];
  private readonly fencedListeners: FencedListener[] = [];

  constructor(
    private readonly store: DocumentStore,
    private readonly log: Logger,
    private readonly options: WriteQueueOptions = {},
  ) {}

  /** Queues one update of `docId` for the next commit; the ticket says when it is stored. */
  enqueue(docId: string, update: Uint8Array): DurabilityTicket {
    const line = this.lineOf(docId);
    line.held.push(update);
    line.enqueued++;
    this.schedule();
    return new DurabilityTicket(line, line.enqueued);
  }

  /** A ticket for everything of `docId` queued so far (durable at once when nothing is). */
  ticketFor(docId: string): DurabilityTicket {
    const line = this.lines.get(docId) ?? new DocumentLine(docId);
    return new DurabilityTicket(line, line.enqueued);
  }

  /** Resolves once everything queued so far, for every document, is committed. */
  async durable(): Promise<void> {
    await Promise.all([...this.lines.values()].map((line) => new DurabilityTicket(line, line.enqueued).durable()));
  }

  /** Calls `listener` after each commit, once per document it wrote (log counters, titles, compaction). */
  onCommitted(listener: CommittedListener): void {
    this.committedListeners.push(listener);
  }

  /** Calls `listener` when documents' commits fail (they are retried; their updates are not durable yet). */
  onFailed(listener: FailedListener): void {
    this.failedListeners.push(listener);
  }

  /**
   * Calls `listener` when a document's writes were refused because another node owns it
   * now: its queued updates were dropped unacknowledged (their senders must reconnect,
   * and send them again to the new owner).
   */
  onFencedOut(listener: FencedListener): void {
    this.fencedListeners.push(listener);
  }

  /** Calls `listener` after each successful transaction with its duration and size (metrics). */
  onTimed(listener: TimedListener): void {
    this.timedListeners.push(listener);
  }

  /** Whether `docId` has updates not yet committed. */
  hasPending(docId: string): boolean {
    return (this.lines.get(docId)?.held.length ?? 0) > 0;
  }

  /** Documents with updates not yet committed. */
  pendingDocuments(): string[] {
    return [...this.lines.values()].filter((line) => line.held.length > 0).map((line) => line.docId);
  }

  /** Whether some document's last commit attempt failed and a retry is waiting. */
  get isFailing(): boolean {
    return this.firstFailure() !== null;
  }

  /** The error of a document whose commits are failing; null while none is. */
  get lastError(): unknown {
    return this.firstFailure()?.failure ?? null;
  }

  /** When (`Date.now()`) the commit now waiting for storage started, or null when none is. */
  get commitInFlightSince(): number | null {
    return this.commitStartedAt;
  }

  private lineOf(docId: string): DocumentLine {
    let line = this.lines.get(docId);
    if (!line) {
      line = new DocumentLine(docId);
      this.lines.set(docId, line);
    }
    return line;
  }

  private firstFailure(): DocumentLine | null {
    for (const line of this.lines.values()) if (line.failure !== null) return line;
    return null;
  }

  private schedule(): void {
    if (this.scheduled) return;
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

  /** Commits every document with updates that is not waiting for a retry; one commit at a time. */
  private async flush(): Promise<void> {
    if (this.committing) return;
    const now = Date.now();
    const due = [...this.lines.values()].filter((l) => l.held.length > 0 && (l.failure === null || l.retryAt <= now));
    if (due.length > 0) {
      this.committing = true;
      for (const line of due) line.inFlight = line.held.length;
      try {
        const failed = await this.commit(due);
        if (failed.length === due.length && due.length > 1)
          this.log.error(
            { documents: due.length, err: failed[0]!.failure },
            'commits fail for every document (a shared cause); will retry',
          );
      } finally {
        this.committing = false;
      }
    }
    this.forgetSettled();
    if ([...this.lines.values()].some((l) => l.held.length > l.inFlight && l.failure === null)) this.schedule();
    this.armRetry();
  }

  /**
   * Commits `lines` in one transaction; if it fails, each half on its own, down to single
   * documents, so one document's bad write cannot hold the others. Returns the lines that failed.
   */
  private async commit(lines: DocumentLine[]): Promise<DocumentLine[]> {
    const entries: AppendEntry[] = lines.flatMap((line) =>
      line.held.slice(0, line.inFlight).map((update) => ({ docId: line.docId, update })),
    );
    const started = performance.now();
    this.commitStartedAt = Date.now();
    let lastSeqs: Map<string, number>;
    try {
      lastSeqs = await this.store.append(entries, Date.now());
    } catch (error) {
      this.commitStartedAt = null;
      if (lines.length === 1) {
        if (error instanceof FencedOut) this.fenceOut(lines[0]!, error);
        else this.fail(lines[0]!, error);
        return lines;
      }
      const half = Math.ceil(lines.length / 2);
      return [...(await this.commit(lines.slice(0, half))), ...(await this.commit(lines.slice(half)))];
    }
    this.commitStartedAt = null;
    for (const listener of this.timedListeners) listener((performance.now() - started) / 1000, entries.length);
    for (const line of lines) this.settle(line, lastSeqs.get(line.docId) ?? 0);
    return [];
  }

  /** A line's updates in flight are committed: counters, listeners, tickets. */
  private settle(line: DocumentLine, lastSeq: number): void {
    const written = line.held.splice(0, line.inFlight);
    line.inFlight = 0;
    line.committed += written.length;
    if (line.failure !== null) {
      line.failure = null;
      line.retryDelay = this.options.retryMinMs ?? 100;
      this.log.info({ doc: line.docId }, 'storage recovered; pending updates committed');
    }
    const bytes = written.reduce((sum, update) => sum + update.byteLength, 0);
    for (const listener of this.committedListeners) listener(line.docId, { lastSeq, rows: written.length, bytes });
    line.release();
  }

  /** A line's commit failed: its updates stay queued, in order, for a retry after its backoff. */
  private fail(line: DocumentLine, error: unknown): void {
    line.inFlight = 0;
    const first = line.failure === null;
    line.failure = error;
    line.retryDelay = first ? (this.options.retryMinMs ?? 100) : line.retryDelay;
    line.retryAt = Date.now() + line.retryDelay;
    line.retryDelay = Math.min(line.retryDelay * 2, this.options.retryMaxMs ?? 5_000);
    if (first) this.log.error({ err: error, doc: line.docId, updates: line.held.length }, 'commit failed; will retry');
    line.failed(new StorageUnavailableError(describeStorageError(error), { cause: error }));
    for (const listener of this.failedListeners) listener([line.docId], error);
  }

  /** A line's document belongs to another node now: nothing of it can be stored from here, ever. */
  private fenceOut(line: DocumentLine, error: FencedOut): void {
    this.log.warn(
      { doc: line.docId, updates: line.held.length, epoch: error.epoch },
      'another node owns this document now: its unstored updates are dropped unacknowledged',
    );
    line.abandon(error);
    this.lines.delete(line.docId);
    for (const listener of this.fencedListeners) listener(line.docId, error);
  }

  /** Forgets documents with nothing queued, waiting or failing (tickets keep their own line). */
  private forgetSettled(): void {
    for (const [docId, line] of this.lines) if (line.idle) this.lines.delete(docId);
  }

  /** Sets one timer for the earliest retry of a failing document. */
  private armRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    let next = Infinity;
    for (const line of this.lines.values()) if (line.failure !== null) next = Math.min(next, line.retryAt);
    if (next === Infinity) return;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = null;
        void this.flush();
      },
      Math.max(0, next - Date.now()),
    );
  }
}
