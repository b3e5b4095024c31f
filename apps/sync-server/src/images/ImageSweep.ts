import type { Logger } from 'pino';
import type { RoomRegistry } from '../rooms/RoomRegistry.js';
import type { DocumentStore } from '../storage/DocumentStore.js';
import type { ImageAttachment } from '../storage/ImageStore.js';
import type { StateSource } from '../work/jobs.js';
import type { WorkerPool } from '../work/WorkerPool.js';
import { HourlySweep } from '../work/HourlySweep.js';

/** How many attachments one sweep looks at; the rest wait for the next. */
const PER_SWEEP = 500;

/** What the image sweep needs. */
export interface ImageSweepDeps {
  store: DocumentStore;
  registry: RoomRegistry;
  work: WorkerPool;
  log: Logger;
  /** How long an image stays attached after it was last seen used: as long as history may still bring it back. */
  graceMs: number;
}

/**
 * Deletes images nothing uses any more. An image attached to a document longer ago than the
 * grace period is looked for in the document's current state and every stored version
 * (decoded on a worker); if none shows it, it is detached, and an image attached to no
 * document is deleted. One still in use is looked at again a grace period later. Documents
 * in Trash are left alone: deleting one for good detaches its images with it.
 */
export class ImageSweep extends HourlySweep {
  constructor(private readonly deps: ImageSweepDeps) {
    super(deps.log, 'image sweep failed');
  }

  protected async sweepOnce(now: number): Promise<number> {
    const images = this.deps.store.images;
    if (!images) return 0;
    const due = await images.attachedBefore(now - this.deps.graceMs, PER_SWEEP);
    const byDoc = new Map<string, ImageAttachment[]>();
    for (const attachment of due) byDoc.set(attachment.docId, [...(byDoc.get(attachment.docId) ?? []), attachment]);
    let removed = 0;
    for (const [docId, attachments] of byDoc) {
      const ids = attachments.map((a) => a.imageId);
      const referenced = await this.referenced(docId, ids);
      if (referenced === null) continue;
      for (const id of ids) {
        if (referenced.has(id)) await images.touch(docId, id, now);
        else {
          await images.detach(docId, id);
          removed++;
        }
      }
    }
    removed += await images.deleteOrphans(now - this.deps.graceMs);
    if (removed > 0) this.deps.log.info({ images: removed }, 'images no document or version uses any more removed');
    return removed;
  }

  /** Which of `ids` the document or its history shows; null when it is not live (in Trash): left alone. */
  private async referenced(docId: string, ids: string[]): Promise<Set<string> | null> {
    const current = await this.deps.registry.contentOf(docId);
    if (!current) return null;
    const sources: StateSource[] = [{ updates: current }];
    const versions = this.deps.store.versions;
    for (const version of (await versions?.listVersions(docId)) ?? []) {
      const packed = await versions!.versionState(docId, version.id);
      if (packed) sources.push({ packed });
    }
    const { referenced } = await this.deps.work.run('imagesReferenced', { sources, ids });
    return new Set(referenced);
  }
}
