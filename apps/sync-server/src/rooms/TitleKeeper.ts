import type { Logger } from 'pino';
import { docTitle } from '@tandem/crdt-bridge/schema';
import type { DocumentStore } from '../storage/DocumentStore.js';
import type { WriteQueue } from '../storage/WriteQueue.js';
import type { RoomRegistry } from './RoomRegistry.js';

/**
 * Keeps the title shown in document lists in step with the content: after a commit of
 * a document whose content changed, it reads the document's title and stores it when it
 * differs from the one stored.
 */
export class TitleKeeper {
  /** The stored title of each loaded document, and whether its content changed since it was read. */
  private readonly titles = new Map<string, { stored: string; dirty: boolean }>();
  /** Titles being stored, by document. */
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Titles stored by this node (for /metrics). */
  titlesStored = 0;

  constructor(
    private readonly store: DocumentStore,
    private readonly registry: RoomRegistry,
    private readonly log: Logger,
    writes: WriteQueue,
  ) {
    registry.onLoaded((room, stored) => {
      const entry = { stored: stored.meta.title, dirty: false };
      this.titles.set(room.id, entry);
      room.onChange(() => (entry.dirty = true));
      room.onDestroy(() => {
        if (this.titles.get(room.id) === entry) this.titles.delete(room.id);
      });
    });
    writes.onCommitted((docId) => this.committed(docId));
  }

  /** Resolves once every title being stored is (for shutdown). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Resolves once the title of `docId` being stored, if any, is (a rename answers with the list's title). */
  async stored(docId: string): Promise<void> {
    await this.inFlight.get(docId);
  }

  private committed(docId: string): void {
    const entry = this.titles.get(docId);
    const room = this.registry.get(docId);
    if (!entry?.dirty || !room) return;
    entry.dirty = false;
    const title = docTitle(room.content());
    if (title === entry.stored) return;
    entry.stored = title;
    // One at a time per document, so an older title can never land after a newer one.
    const storing: Promise<void> = (this.inFlight.get(docId) ?? Promise.resolve())
      .then(() => this.store.setTitle(docId, title))
      .then(() => void this.titlesStored++)
      .catch((err: unknown) => this.log.warn({ err, doc: docId }, 'title not stored'))
      .finally(() => {
        if (this.inFlight.get(docId) === storing) this.inFlight.delete(docId);
      });
    this.inFlight.set(docId, storing);
  }
}
