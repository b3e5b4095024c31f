import type { Node } from 'prosemirror-model';
import type { EditorState, Transaction } from 'prosemirror-state';

/** Where two versions of a document differ: `from` in both, up to `toBefore` in the old one and `toAfter` in the new. */
export interface ChangedRange {
  from: number;
  toBefore: number;
  toAfter: number;
}

/**
 * The one range that differs between `before` and `after`, or null when they are equal. Cheap
 * for a collaborator's edit: y-prosemirror rebuilds the document reusing every unchanged node,
 * so the comparison skips whole blocks by identity.
 */
export function changedRange(before: Node, after: Node): ChangedRange | null {
  const from = before.content.findDiffStart(after.content);
  if (from === null) return null;
  const end = before.content.findDiffEnd(after.content)!;
  // findDiffEnd may overlap the start when the change repeats what surrounds it ("aa" → "aaa").
  const overlap = Math.max(0, from - Math.min(end.a, end.b));
  return { from, toBefore: end.a + overlap, toAfter: end.b + overlap };
}

/**
 * A mapping from `before` (the state the change was made to) that moves what lies after `range`
 * by the change's length and leaves what lies before it; made by replacing just that range.
 */
export function changedRangeMapping(before: EditorState, after: Node, range: ChangedRange): Transaction['mapping'] {
  return before.tr.replace(range.from, range.toBefore, after.slice(range.from, range.toAfter)).mapping;
}
