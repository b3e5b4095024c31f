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

/** One page of `GET /api/docs?limit=&cursor=&q=`, newest first. */
export interface DocumentPageJSON {
  documents: DocumentJSON[];
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

/** `PATCH /api/docs/<id>`: a new title (trimmed and cut to the longest title; blank: the first line names it). */
export interface RenameDocumentRequest {
  title: string;
}
