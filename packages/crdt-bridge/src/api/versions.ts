import type { DiffHiddenRun, DiffTruncation, NodeJSON, StateContent } from '../history/types.js';

/** A version as the API shows it (`GET /api/docs/<id>/versions` and wherever one is returned). */
export interface VersionJSON {
  id: number;
  /** Set for a named version (and a restore point someone named); null otherwise. */
  name: string | null;
  kind: 'auto' | 'named' | 'restore-point';
  /** ISO time. */
  createdAt: string;
  /** People who edited since the previous snapshot. */
  authors: string[];
  /** Bytes of the stored state. */
  size: number;
  /** For a restore point: the version whose restore it preceded. */
  restoreOf: number | null;
  /** A restore came from it; it is kept for ever. */
  pinned: boolean;
}

/** Each author's `#rrggbb` colour, by name; null when their presence gave none. */
export type AuthorColorsJSON = Record<string, string | null>;

/** `GET /api/docs/<id>/versions`: versions, newest first, and the colours of their authors. */
export interface VersionListJSON {
  versions: VersionJSON[];
  colors: AuthorColorsJSON;
}

/** `POST /api/docs/<id>/versions` (name the current state) and `PATCH …/versions/<vid>` (null: unname). */
export interface NameVersionRequest {
  name: string | null;
}

/** `GET /api/docs/<id>/versions/<vid>`: the version and its content (ProseMirror JSON, plain text, title). */
export interface VersionContentJSON extends StateContent {
  version: VersionJSON;
}

/** One changed range of a diff, in positions of the diff's merged document. */
export interface DiffChangeJSON {
  /** `added`: only in the newer side; `removed`: only in the older; `changed`: attributes (heading level, checkbox). */
  type: 'added' | 'removed' | 'changed';
  from: number;
  to: number;
  /** Whether the range is a whole node rather than text. */
  block: boolean;
  /** The text the range holds (a block's text joined by newlines). */
  text: string;
  /**
   * Added content: who wrote it. Removed or changed content: Yjs does not record who
   * deletes, so this is set only when exactly one person edited between the two sides.
   */
  author: string | null;
}

/** One side of a diff: a version, the live document (`current`), or (neither) the empty document. */
export interface DiffSideJSON {
  version: VersionJSON | null;
  current: boolean;
}

/**
 * `GET /api/docs/<id>/versions/<vid>/diff?against=`: the changes from the older side
 * (`base`) to the newer (`target`), bounded in size.
 */
export interface DiffJSON {
  base: DiffSideJSON;
  target: DiffSideJSON;
  /** Both sides' content merged in document order; `changes` say which parts are whose. */
  doc: NodeJSON;
  changes: DiffChangeJSON[];
  /** Characters added and removed. */
  stats: { added: number; removed: number };
  /** Each side's title, so a rename shows even though the title is not in the body. */
  titles: { base: string; target: string };
  colors: AuthorColorsJSON;
  /** Runs of unchanged top-level blocks left out of a large diff; they are in both sides. */
  hidden: DiffHiddenRun[];
  /** Set when the diff was still too large and was cut after its last block shown. */
  truncated: DiffTruncation | null;
}

/** `POST /api/docs/<id>/versions/<vid>/restore`: all of the version, or its top-level block `block`. */
export interface RestoreRequest {
  block?: number;
  /** Who restores, credited in history (open mode only: with tokens, the token names them). */
  by?: string;
}

/** What a restore did. */
export interface RestoreResultJSON {
  /** The version restored (now kept for ever). */
  restored: VersionJSON;
  /** The state just before the restore; restoring it undoes the restore. */
  restorePoint: VersionJSON;
  /** False when the content already was the version's. */
  changed: boolean;
  /**
   * The Yjs update the restore applied, base64 (null when nothing changed), so the editor
   * that asked can make the restore one step of its undo history.
   */
  update: string | null;
}
