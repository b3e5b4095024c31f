import type { EditorView } from 'prosemirror-view';
import { asOwnUndoStep } from '../editor/undoSteps.js';
import { resolveSuggestions, type Verdict } from './resolveSuggestions.js';

/** Accepts or rejects the suggestions `ids` (or all) in `view`, as one undo step of its own; whether anything changed. */
export function applyVerdict(view: EditorView, ids: readonly string[] | 'all', verdict: Verdict): boolean {
  const tr = resolveSuggestions(view.state, ids, verdict);
  if (tr === null) return false;
  asOwnUndoStep(view.state, () => view.dispatch(tr));
  return true;
}
