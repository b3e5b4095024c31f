import { imagePath } from '../images/DocumentImages.js';
import type { Logger } from 'pino';
import { ErrorCode } from '@tandem/crdt-bridge/protocol';
import { setStoredTitle, type ImportReport } from '@tandem/crdt-bridge/schema';
import type { RoomRegistry } from '../rooms/RoomRegistry.js';
import type { DocumentMeta, DocumentStore } from '../storage/DocumentStore.js';
import type { TrashEntry } from '../storage/TrashStore.js';
import type { PackedState } from '../storage/rowCodec.js';
import type { WorkerPool } from '../work/WorkerPool.js';
import type { ExportOptions } from '../work/exportJobs.js';
import type { NewDocumentContent } from '../work/jobs.js';
import type { CommentsJSON } from '@tandem/crdt-bridge/api';
import type { TitleKeeper } from '../rooms/TitleKeeper.js';
import type { EditDoor } from './EditDoor.js';
import { indexedText } from '../search/searchText.js';
import { loadImages } from '../export/images.js';

/** What the document service needs. */
export interface DocumentServiceDeps {
  store: DocumentStore;
  registry: RoomRegistry;
  door: EditDoor;
  /** Stores the titles that document lists show. */
  titles: TitleKeeper;
  work: WorkerPool;
  log: Logger;
  /** Largest state a new document may start with: what one client message may carry. */
  maxStateBytes: number;
}

/** A document made by an import, and how many images from elsewhere it kept as links. */
export interface ImportedDocument {
  meta: DocumentMeta;
  /** What the import kept in another form (as text, as a link…), by kind. */
  kept: ImportReport;
}

/** A document rendered for download. */
export interface ExportedDocument {
  body: Uint8Array;
  title: string;
}

/**
 * A document's life outside editing: created empty, imported from Markdown, copied from
 * a version, renamed, exported, moved to Trash, restored, deleted for good. Heavy work runs on the worker pool; a new
 * document is stored with its content in one transaction (all or nothing); a rename goes
 * through the edit door, so everyone with the document open sees it at once.
 */
export class DocumentService {
  constructor(private readonly deps: DocumentServiceDeps) {}

  /** The document's metadata, or null when it does not exist. */
  get(docId: string): Promise<DocumentMeta | null> {
    return this.deps.store.get(docId);
  }

  /** Creates an empty document (or one deleted for good before, again); the existing one when there is one. Callers check Trash first. */
  async create(docId: string): Promise<{ meta: DocumentMeta; created: boolean }> {
    const existing = await this.deps.store.get(docId);
    if (existing) return { meta: existing, created: false };
    const meta = await this.deps.store.ensure(docId, Date.now());
    await this.index(docId, '', '');
    return { meta, created: true };
  }

  /**
   * Creates document `docId` from Markdown, parsed on a worker; `kept` counts what the import
   * kept in another form. Rejects with the worker's refusal (`JobRefused`, `WorkError`) when
   * the Markdown is too much for one document.
   */
  async importMarkdown(docId: string, markdown: string, title: string): Promise<ImportedDocument> {
    const { report, ...content } = await this.deps.work.run('importMarkdown', {
      markdown,
      title,
      maxStateBytes: this.deps.maxStateBytes,
    });
    const meta = await this.createWith(docId, content);
    // The images it embedded, attached now that the document exists to attach them to.
    const now = Date.now();
    for (const image of content.images) await this.deps.store.images?.put(docId, image, now);
    return { meta, kept: report };
  }

  /** Creates document `copyId` holding a version's content (`version`, as stored) of document `fromId`. */
  async copyVersion(version: PackedState, copyId: string, fromId: string): Promise<DocumentMeta> {
    const content = await this.deps.work.run('copyVersion', { version, maxStateBytes: this.deps.maxStateBytes });
    const meta = await this.createWith(copyId, content);
    // The copy may show any image of the original; the image sweep later detaches those it does not.
    await this.deps.store.images?.copyAttachments(fromId, copyId, Date.now());
    return meta;
  }

  /** Renames a document; the title lives in the document, so open editors see it live. */
  async rename(docId: string, title: string): Promise<DocumentMeta> {
    await this.deps.door.edit(docId, (session) =>
      session.transact((doc) => setStoredTitle(doc, title), { source: 'server', reason: 'rename' }),
    );
    // So that a list asked for right after shows the new title.
    await this.deps.titles.stored(docId);
    return (await this.deps.store.get(docId))!;
  }

  /** The document rendered as Markdown or HTML on a worker (see exportDocument), from its live or stored state; null when it does not exist. */
  async export(
    docId: string,
    format: 'markdown' | 'html',
    options: ExportOptions = {},
  ): Promise<ExportedDocument | null> {
    // Read as it is (the live state, or the stored rows of a document nobody has open).
    const updates = await this.deps.registry.contentOf(docId);
    if (!updates) return null;
    const imageBase = imagePath(docId, '');
    return this.deps.work.run('exportDocument', { source: { updates }, format, imageBase, ...options });
  }

  /** Every comment thread of the document with the text each is on now, read on a worker; null when it does not exist. */
  async comments(docId: string): Promise<CommentsJSON | null> {
    const updates = await this.deps.registry.contentOf(docId);
    if (!updates) return null;
    return this.deps.work.run('documentComments', { source: { updates } });
  }

  /**
   * The document as a Word file, built on a worker: a first job finds the images it shows,
   * they are loaded here (the image store is this thread's), and a second job builds the file.
   */
  async exportDocx(docId: string): Promise<ExportedDocument | null> {
    const updates = await this.deps.registry.contentOf(docId);
    if (!updates) return null;
    const store = this.deps.store.images;
    const load = store ? (imageId: string) => store.load(docId, imageId) : undefined;
    const { ids } = load ? await this.deps.work.run('documentImages', { source: { updates } }) : { ids: [] };
    const images = load ? await loadImages(ids, load) : {};
    return this.deps.work.run('exportDocx', { source: { updates }, images });
  }

  /**
   * Moves a document to Trash: marked first, so no one can open it again, then those who
   * have it open are told and dropped. Its content, history and links stay until it is
   * restored or deleted for good. Null when there is no such (live) document.
   */
  async trash(docId: string, by: string): Promise<TrashEntry | null> {
    const entry = await this.deps.store.trash.moveToTrash(docId, by, Date.now());
    if (!entry) return null;
    await this.deps.registry.evict(docId, [
      'doc-error',
      {
        docId,
        code: ErrorCode.DocumentInTrash,
        message: 'This document was moved to Trash. Your copy is no longer saved.',
      },
    ]);
    // No node runs it now; whichever opens it after a restore claims it afresh.
    await this.deps.store.release?.(docId);
    this.deps.log.info({ doc: docId }, 'document moved to Trash');
    return entry;
  }

  /** Takes a document out of Trash, as it was; null when it is not in Trash. */
  async restore(docId: string): Promise<DocumentMeta | null> {
    const meta = await this.deps.store.trash.restore(docId);
    if (meta) this.deps.log.info({ doc: docId }, 'document restored from Trash');
    return meta;
  }

  /**
   * Deletes a document for good, leaving a tombstone; those who have it open (a live
   * document) are told. Its links are revoked, so a document made later under the same
   * id does not open for them. Resolves whether there was one.
   */
  async deleteForever(docId: string): Promise<boolean> {
    await this.deps.registry.evict(docId, [
      'doc-error',
      {
        docId,
        code: ErrorCode.DocumentDeleted,
        message: 'This document was deleted. Your copy is no longer saved.',
      },
    ]);
    const existed = await this.deps.store.delete(docId);
    await this.deps.store.links?.revokeAllFor(docId, Date.now());
    if (existed) this.deps.log.info({ doc: docId }, 'document deleted for good');
    return existed;
  }

  /** One transaction: a document whose creation fails or is refused leaves nothing behind. Then it is searchable at once. */
  private async createWith(docId: string, content: NewDocumentContent): Promise<DocumentMeta> {
    const { state, stateVector, deleteSetUpdate, title } = content;
    const meta = await this.deps.store.create(
      docId,
      { state, summary: { stateVector, deleteSetUpdate }, title },
      Date.now(),
    );
    await this.index(docId, title, content.text);
    return meta;
  }

  /** Indexes a new document for search; a failure only delays that (the background backfill finds it). */
  private async index(docId: string, title: string, text: string): Promise<void> {
    await this.deps.store.search
      ?.write(docId, indexedText(title, text))
      .catch((err: unknown) => this.deps.log.warn({ err, doc: docId }, 'new document not indexed for search yet'));
  }
}
