import type { Logger } from 'pino';
import type { VersionStore } from '../storage/VersionStore.js';
import { budgetThinningOrder, versionsToThin, type RetentionPolicy } from './retention.js';

/**
 * How much history a document keeps: automatic snapshots thin out with age (retention),
 * and the whole history stays within a byte budget, the oldest automatic versions going
 * first, then old restore points; named and pinned versions never go.
 */
export class VersionBudget {
  constructor(
    private readonly versions: VersionStore,
    private readonly log: Logger,
    private readonly retention: RetentionPolicy,
    /** Most bytes one document's history may take in storage. */
    readonly maxBytes: number,
    private readonly now: () => number,
  ) {}

  /** Deletes the automatic snapshots retention no longer keeps, then thins to the budget; returns how many went. */
  async applyRetention(docId: string): Promise<number> {
    const drop = versionsToThin(await this.versions.listVersions(docId), this.now(), this.retention);
    const retired = drop.length > 0 ? await this.versions.deleteThinnable(docId, drop) : 0;
    const before = (await this.versions.listVersions(docId)).length;
    await this.keepWithin(docId);
    return retired + before - (await this.versions.listVersions(docId)).length;
  }

  /** Deletes versions in {@link budgetThinningOrder} until the history fits the budget; returns whether it does. */
  async keepWithin(docId: string): Promise<boolean> {
    if ((await this.versions.historyBytes(docId)) <= this.maxBytes) return true;
    for (const id of budgetThinningOrder(await this.versions.listVersions(docId))) {
      await this.versions.deleteThinnable(docId, [id]);
      if ((await this.versions.historyBytes(docId)) <= this.maxBytes) {
        this.log.info({ doc: docId, maxBytes: this.maxBytes }, 'history over its budget: oldest versions thinned');
        return true;
      }
    }
    return false;
  }
}
