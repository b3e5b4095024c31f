import type { DocumentAccess, DocumentMeta } from './DocumentStore.js';

/** What the index holds of one document: its title and the start of its text (see `indexableText`). */
export interface IndexedText {
  title: string;
  body: string;
}

/** One page of a search. */
export interface SearchQuery {
  /** Words that must all be in a document's title or text; the last may be the start of a word. */
  terms: readonly string[];
  /** Also documents whose title (or "Untitled") contains this, lower-cased, as the title search always did. */
  titleContains: string;
  access: DocumentAccess;
  limit: number;
  /** Matches to skip (the earlier pages). */
  offset: number;
}

/** A document a search found, with where. */
export interface SearchHit {
  meta: DocumentMeta;
  /**
   * A passage around the best match in its text, matches between `MATCH_START` and
   * `MATCH_END`; without marks (the opening of its text) when only its title matched.
   */
  snippet: string;
}

/**
 * The full-text index of a store's documents, kept next to them (SQLite FTS5, PostgreSQL's
 * text search). Derived data: written after the fact from a document's content, rebuilt from
 * it whenever it is missing. Ranking: every word in the title or text, title matches first.
 */
export interface SearchIndex {
  /**
   * Stores what a search finds of a document. Does nothing when the document no longer
   * exists; with `onlyIfMissing`, nothing either when the document was indexed meanwhile
   * (a backfill's text, read earlier, must not replace a room's newer one).
   */
  write(docId: string, text: IndexedText, options?: { onlyIfMissing?: boolean }): Promise<void>;
  /** Whether the document exists but has never been indexed. */
  isMissing(docId: string): Promise<boolean>;
  /** Up to `limit` documents never indexed (they existed before the index), most recently updated first. */
  missing(limit: number): Promise<string[]>;
  /** A page of matches, best first. */
  search(query: SearchQuery): Promise<SearchHit[]>;
}
