/** A mark in ProseMirror's JSON form. */
export interface MarkJSON {
  type: string;
  attrs?: Record<string, unknown>;
}

/** A node in ProseMirror's JSON form (what `Node.toJSON()` writes and `schema.nodeFromJSON` reads). */
export interface NodeJSON {
  type: string;
  attrs?: Record<string, unknown>;
  content?: NodeJSON[];
  text?: string;
  marks?: MarkJSON[];
}

/** What a version holds, in forms a client can show without Yjs. */
export interface StateContent {
  /** The body as ProseMirror JSON (an empty body reads as one empty paragraph, as the editor shows it). */
  doc: NodeJSON;
  /** Plain text, one line per textblock. */
  text: string;
  /** The title: `meta.title`, else the first non-empty line. */
  title: string;
}

/** How a stretch of content differs between the two states of a diff. */
export type ChangeType = 'added' | 'removed' | 'changed';

/**
 * One changed range of a diff's merged document, in ProseMirror positions of
 * {@link StateDiff.doc}. `block` ranges cover a whole node (from the position before
 * it to the one after it); the others cover text inside a textblock.
 */
export interface DiffChange {
  /** `added`: only in the target; `removed`: only in the base; `changed`: a node whose attributes changed (heading level, checkbox). */
  type: ChangeType;
  from: number;
  to: number;
  /** Whether the range is a whole node rather than text. */
  block: boolean;
  /** The text the range holds (a block's text joined by newlines), for lists and screen readers. */
  text: string;
  /**
   * The Yjs client id that wrote the content. For added content that is its author; for
   * removed content it is who originally wrote it (Yjs does not record who deletes).
   */
  client: number;
}

/** The difference between two states of one document, ready to display. */
export interface StateDiff {
  /**
   * A merged document holding the content of both states in document order: what the
   * base had and the target lacks appears where it was, marked `removed` by a change.
   */
  doc: NodeJSON;
  /** Changed ranges in document order; adjacent ranges of one kind and client are merged. */
  changes: DiffChange[];
  /** Characters added and removed (text inside whole added or removed blocks included). */
  stats: { added: number; removed: number };
  /** Each side's title, so a rename shows even though the title is not in the body. */
  titles: { base: string; target: string };
}

/**
 * Unchanged top-level blocks a size-bounded diff leaves out (see `boundDiff`): `blocks` of
 * them stood before the diff document's top-level block `index` (an index equal to the
 * number of blocks: after the last one), at position `pos` of that document. They are in
 * both sides, so each counts when numbering either side's blocks.
 */
export interface DiffHiddenRun {
  index: number;
  pos: number;
  blocks: number;
}

/** What a diff too large even with unchanged runs hidden leaves out after its last block shown. */
export interface DiffTruncation {
  /** Top-level blocks of the merged document not shown (changed or not). */
  blocks: number;
  /** Changes in them. */
  changes: number;
}
