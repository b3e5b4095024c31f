import type { Logger } from 'pino';
import type { TrashStore } from '../storage/TrashStore.js';
import { HourlySweep } from '../work/HourlySweep.js';

const DAY_MS = 86_400_000;
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
export class TrashSweep extends HourlySweep {
  constructor(private readonly deps: TrashSweepDeps) {
    super(deps.log, 'Trash sweep failed');
  }

  /** When a document moved to Trash at `trashedAt` is deleted for good. */
  deleteAt(trashedAt: number): number {
    return trashedAt + this.deps.days * DAY_MS;
  }

  protected async sweepOnce(now: number): Promise<number> {
    const due = await this.deps.trash.trashedBefore(now - this.deps.days * DAY_MS, PER_SWEEP);
    for (const docId of due) await this.deps.deleteForever(docId);
    if (due.length > 0) this.deps.log.info({ documents: due.length }, 'deleted for good after their time in Trash');
    return due.length;
  }
}
