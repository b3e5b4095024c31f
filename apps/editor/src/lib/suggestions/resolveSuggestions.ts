import type { EditorState, Transaction } from 'prosemirror-state';
import { DELETION_MARK, INSERTION_MARK } from '@tandem/crdt-bridge';
import { collectSuggestions, type SuggestionRange } from './collectSuggestions.js';
import { asDirectChange } from './suggestPlugin.js';

/** Accept (make the change) or reject (drop it). */
export type Verdict = 'accept' | 'reject';

/**
 * One transaction that accepts or rejects the suggestions `ids` (every suggestion when
 * `ids` is "all"): accepting an insertion keeps its text and drops the mark, rejecting it
 * removes the text; accepting a deletion removes the text, rejecting it drops the mark.
 * Null when there is nothing to do. It is marked as a direct change, so Suggesting mode
 * leaves it as it is.
 */
export function resolveSuggestions(
  state: EditorState,
  ids: readonly string[] | 'all',
  verdict: Verdict,
): Transaction | null {
  const wanted = ids === 'all' ? null : new Set(ids);
  const ranges: (SuggestionRange & { id: string })[] = collectSuggestions(state.doc)
    .filter((s) => wanted === null || wanted.has(s.id))
    .flatMap((s) => s.ranges.map((r) => ({ ...r, id: s.id })));
  if (ranges.length === 0) return null;
  const tr = state.tr;
  const { marks } = state.schema;
  // Last first: removing text then leaves the positions of earlier ranges as they are.
  ranges.sort((a, b) => b.from - a.from || b.to - a.to);
  for (const range of ranges) {
    const from = tr.mapping.map(range.from, 1);
    const to = tr.mapping.map(range.to, -1);
    if (from >= to) continue;
    const removesText = (range.kind === 'insertion') === (verdict === 'reject');
    if (removesText) tr.delete(from, to);
    else {
      const type = marks[range.kind === 'insertion' ? INSERTION_MARK : DELETION_MARK]!;
      // Only this suggestion's mark: the same text may carry another person's suggestion of the other kind.
      tr.doc.nodesBetween(from, to, (node, pos) => {
        const mark = node.marks.find((m) => m.type === type && m.attrs.id === range.id);
        if (mark) tr.removeMark(Math.max(pos, from), Math.min(pos + node.nodeSize, to), mark);
        return !node.isInline;
      });
    }
  }
  return asDirectChange(tr);
}
