import type { KeptKind } from '../schema/importReport.js';

/** A document as the API describes it (`GET /api/docs`, and what create, import, rename and copy return). */
export interface DocumentJSON {
  id: string;
  /** Its title as the list shows it: the stored title, else its first line; "" when it has neither. */
  title: string;
  /** Where the editor opens it, e.g. `/d/<id>`. */
  url: string;
  /** ISO time. */
  createdAt: string;
  /** ISO time of its last stored change. */
  updatedAt: string;
  /** Bytes stored for it. */
  size: number;
  /** People behind its latest version, when known; empty otherwise (always empty outside the list). */
  editors: string[];
}

/** `GET /api/docs/<id>`: one document; in cluster mode also the node that runs it. */
export interface DocumentDetailJSON extends DocumentJSON {
  /** Cluster mode only: the id of the node that has it loaded (its owner), or null when none has. */
  owner?: string | null;
}

/**
 * Where a search matched, told as plain text and the ranges to highlight — never markup:
 * a client builds its highlight from text nodes, so a document's text cannot inject any.
 */
export interface SearchSnippetJSON {
  /** A passage of the document's text around the best match ("…" where it is cut); the start of the text when only the title matched. */
  text: string;
  /** The matching words in `text`: `[start, end)` offsets in UTF-16 code units, in order, not overlapping. */
  highlights: { start: number; end: number }[];
}

/** A document found by `GET /api/docs?q=`: the usual fields and where it matched. */
export interface DocumentSearchHitJSON extends DocumentJSON {
  snippet: SearchSnippetJSON;
}

/**
 * One page of `GET /api/docs?limit=&cursor=&q=`: newest first; with `q`, the documents whose
 * title or text holds every word (the last may be the start of a word), best match first,
 * each with a `snippet`.
 */
export interface DocumentPageJSON {
  documents: (DocumentJSON | DocumentSearchHitJSON)[];
  /** The `cursor` of the next page; null on the last one. */
  next: string | null;
}

/** `POST /api/docs`: a new document, or the one with `id` (created again if it was deleted). */
export interface CreateDocumentRequest {
  id?: string;
}

/** `POST /api/docs/import` as JSON (a plain-text body is the Markdown alone). */
export interface ImportDocumentRequest {
  markdown: string;
  /** Trimmed and cut to the longest title; blank: the first line names it. */
  title?: string;
}

/**
 * `POST /api/docs/import`'s answer (201): the new document, what the import kept in another
 * form, counted by kind (only kinds that happened; `{}` when everything came in as it was),
 * and that said in a sentence for people.
 */
export interface ImportDocumentResponse extends DocumentJSON {
  /** E.g. `{ "footnotes": 2, "htmlKeptAsText": 1 }`; see `KeptKind` for the kinds. */
  kept: Partial<Record<KeptKind, number>>;
  /** E.g. "Imported. 2 footnotes were kept as text at the end; 1 piece of HTML was kept as text." */
  message: string;
}

/** `PATCH /api/docs/<id>`: a new title (trimmed and cut to the longest title; blank: the first line names it). */
export interface RenameDocumentRequest {
  title: string;
}
