import type { ImageStore } from './ImageStore.js';
import type { LinkStore } from './LinkStore.js';
import type { SearchIndex } from './SearchIndex.js';
import type { TrashStore } from './TrashStore.js';
import type { VersionStore } from './VersionStore.js';

/** What the store knows about a document, without its content. */
export interface DocumentMeta {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  /** Bytes of stored state and update log. */
  size: number;
}

/** A document's stored content: updates to apply in order (a compacted state first, if any). */
export interface StoredDocument {
  meta: DocumentMeta;
  updates: Uint8Array[];
  /** Highest log sequence number included; compaction covers rows up to it. */
  lastSeq: number;
  /** The state vector of `updates`, when it was stored with them (a document held as one compacted row). */
  stateVector?: Uint8Array;
  /** {@link StateSummary.deleteSetUpdate} of `updates`, when it was stored with them. */
  deleteSetUpdate?: Uint8Array;
}

/** What a compacted state is, told without applying it: joins are answered from the stored row. */
export interface StateSummary {
  /** Its state vector (for sync step 1). */
  stateVector: Uint8Array;
  /**
   * An update with no items and the state's whole delete set: byte for byte what a client
   * holding exactly this state sends back as its sync step 2 (`Y.encodeStateAsUpdate(doc, sv)`).
   */
  deleteSetUpdate: Uint8Array;
}

/** Which documents someone may see in a list: all of them, or those with these ids or id prefixes. */
export type DocumentAccess = { all: true } | { all?: false; ids: readonly string[]; prefixes: readonly string[] };

/** A page of the document list, most recently updated first. */
export interface ListQuery {
  /** Most documents to return. */
  limit: number;
  /** Start after this document (the last of the previous page). */
  after?: { updatedAt: number; id: string };
  /** Only documents whose title (or "Untitled", for those without one) contains this, ignoring case. */
  titleContains?: string;
  /** Only documents the asker may see. */
  access: DocumentAccess;
}

/** A new document's whole content, stored at once (import, copy of a version). */
export interface NewDocument {
  /** The whole state, a Yjs V1 update. */
  state: Uint8Array;
  /** Its summary, stored with it as with a compacted state. */
  summary: StateSummary;
  title: string;
}

/**
 * Why a document is loaded: `own` to run its room here (a store shared by several nodes
 * records this node as the document's owner, fencing out the previous one), `read` to
 * look at it (export, diff).
 */
export type LoadPurpose = 'own' | 'read';

/** One update to append to a document's log. */
export interface AppendEntry {
  docId: string;
  update: Uint8Array;
}

/**
 * Where documents live. Narrow on purpose: rooms only load, append and compact,
 * so another backend (e.g. PostgreSQL for several nodes) can be dropped in.
 * Every method may reject; callers keep state in memory until a write succeeds.
 */
export interface DocumentStore {
  /** Version history, when this store keeps it; without it the history API answers 501. */
  readonly versions?: VersionStore;
  /** Share links (token mode), when this store keeps them; without it only `npm run token`'s unlisted tokens work. */
  readonly links?: LinkStore;
  /** Uploaded images, when this store keeps them; without it uploads answer 501. */
  readonly images?: ImageStore;
  /** The full-text index of titles and text, when this store keeps one; without it a search looks at titles alone. */
  readonly search?: SearchIndex;
  /** Trash: documents deleted but not yet for good. Everything below ignores them, as if they did not exist. */
  readonly trash: TrashStore;
  /** For a store several nodes share: this node's id and how many documents it owns now. */
  readonly ownership?: { readonly nodeId: string; readonly owned: number };
  /**
   * This node stopped running the document (its room unloaded): a store shared by several
   * nodes gives up ownership, unless another claim came since. Never rejects.
   */
  release?(docId: string): Promise<void>;
  /** The document's content and metadata, or null when it does not exist. */
  load(docId: string, purpose?: LoadPurpose): Promise<StoredDocument | null>;
  /**
   * Creates the document if absent (and forgets that a document of that id was deleted);
   * returns its metadata either way. Callers decide whether creating is allowed.
   */
  ensure(docId: string, now: number): Promise<DocumentMeta>;
  /** When a document of this id was deleted, or null if none was (or it was created again since). */
  deletedAt(docId: string): Promise<number | null>;
  /**
   * Creates document `docId` holding `content` as one compacted state, with its title, in
   * one transaction: a failure leaves no document behind. Rejects when the id is taken.
   */
  create(docId: string, content: NewDocument, now: number): Promise<DocumentMeta>;
  /** Appends all entries in one atomic transaction; returns the last sequence number written per document. */
  append(entries: readonly AppendEntry[], now: number): Promise<Map<string, number>>;
  /** Atomically replaces log rows up to `upToSeq` with `state` (the merged state covering them) and its summary; resolves with the new row's sequence number. */
  compact(docId: string, state: Uint8Array, upToSeq: number, summary?: StateSummary): Promise<number>;
  /** Sets the title shown in document lists. */
  setTitle(docId: string, title: string): Promise<void>;
  /** Metadata of one document, or null. */
  get(docId: string): Promise<DocumentMeta | null>;
  /** One page of documents, most recently updated first (ties by id). */
  listPage(query: ListQuery): Promise<DocumentMeta[]>;
  /** Deletes a document (live or in Trash) and everything stored for it, leaving a tombstone; returns whether it existed. */
  delete(docId: string): Promise<boolean>;
  /** Cheap liveness check for health endpoints. */
  ping(): Promise<void>;
  /** Releases the underlying resources. */
  close(): Promise<void>;
}

/** A store that keeps a search index. */
export type SearchIndexed<S extends DocumentStore> = S & { readonly search: SearchIndex };
