import type { Logger } from 'pino';
import type { TrashStore } from '../storage/TrashStore.js';

const DAY_MS = 86_400_000;
/** How often Trash is looked through: a document goes within this long after its time is up. */
const SWEEP_EVERY_MS = 60 * 60 * 1000;
/** Documents deleted for good in one sweep; the rest wait for the next (a sweep never holds the server long). */
const PER_SWEEP = 100;

/** What the sweep needs. */
export interface TrashSweepDeps {
  trash: TrashStore;
  /** Deletes a document for good (DocumentService.deleteForever). */
  deleteForever(docId: string): Promise<unknown>;
  log: Logger;
  /** Days a document stays in Trash (TRASH_DAYS). */
  days: number;
}

/**
 * Deletes for good what has been in Trash longer than `days`: once soon after start, then
 * hourly, on a timer that never keeps the process alive.
 */
export class TrashSweep {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(private readonly deps: TrashSweepDeps) {}

  /** When a document moved to Trash at `trashedAt` is deleted for good. */
  deleteAt(trashedAt: number): number {
    return trashedAt + this.deps.days * DAY_MS;
  }

  /** Starts sweeping on a timer. */
  start(): void {
    if (this.timer) return;
    const tick = (): void =>
      void this.sweep().catch((err: unknown) => this.deps.log.warn({ err }, 'Trash sweep failed'));
    this.timer = setInterval(tick, SWEEP_EVERY_MS).unref();
    setTimeout(tick, 1000).unref();
  }

  /** Stops the timer; resolves once a sweep under way is done. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** Deletes for good what is due at `now`; resolves how many went. One sweep at a time. */
  sweep(now = Date.now()): Promise<number> {
    this.running ??= this.sweepOnce(now).finally(() => (this.running = null));
    return this.running;
  }

  private async sweepOnce(now: number): Promise<number> {
    const due = await this.deps.trash.trashedBefore(now - this.deps.days * DAY_MS, PER_SWEEP);
    for (const docId of due) await this.deps.deleteForever(docId);
    if (due.length > 0) this.deps.log.info({ documents: due.length }, 'deleted for good after their time in Trash');
    return due.length;
  }
}
