import type { DocumentAccess, DocumentMeta } from './DocumentStore.js';

/** A document in Trash: what it was, when it was deleted and by whom. */
export interface TrashEntry {
  meta: DocumentMeta;
  /** When it was moved to Trash (ms since the epoch). */
  trashedAt: number;
  /** The name of who deleted it; "" when unknown (open mode). */
  trashedBy: string;
}

/**
 * Documents in Trash. A trashed document keeps its row, content, history and links, but
 * is invisible to everything else the store does (`get`, `load`, lists), so nothing opens,
 * edits or lists it until it is restored. Deleting it for good is the store's `delete`.
 */
export interface TrashStore {
  /** Moves a live document to Trash; its entry, or null when there is no live document of that id. */
  moveToTrash(docId: string, by: string, now: number): Promise<TrashEntry | null>;
  /** The document's Trash entry, or null when it is not in Trash. */
  entry(docId: string): Promise<TrashEntry | null>;
  /** Documents in Trash the asker may see, most recently deleted first. */
  list(access: DocumentAccess, limit: number): Promise<TrashEntry[]>;
  /** Takes a document out of Trash; its metadata, or null when it was not in Trash. */
  restore(docId: string): Promise<DocumentMeta | null>;
  /** Ids of documents moved to Trash before `cutoff` (at most `limit`), oldest first: due to be deleted for good. */
  trashedBefore(cutoff: number, limit: number): Promise<string[]>;
}
