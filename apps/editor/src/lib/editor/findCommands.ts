import { findNext, findPrev, replaceAll, replaceNext, setSearchState, type SearchQuery } from 'prosemirror-search';
import { TextSelection, type Command } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';
import { asOwnUndoStep } from './undoSteps.js';

/**
 * Makes `query` the editor's search (its matches are highlighted) and selects the first
 * match at or after the selection's start, wrapping to the top, so the view follows the typing.
 */
export function showQuery(query: SearchQuery): Command {
  return (state, dispatch) => {
    if (!dispatch) return true;
    const tr = setSearchState(state.tr, query);
    const match = query.valid ? (query.findNext(state, state.selection.from) ?? query.findNext(state, 0)) : null;
    if (match) tr.setSelection(TextSelection.create(state.doc, match.from, match.to)).scrollIntoView();
    dispatch(tr);
    return true;
  };
}

/** Removes the search highlights, keeping the selection where the last match was. */
export const clearQuery =
  (empty: SearchQuery): Command =>
  (state, dispatch) => {
    dispatch?.(setSearchState(state.tr, empty));
    return true;
  };

/** Next and previous match (wrapping), and replacing the selected one then moving on. */
export { findNext, findPrev, replaceNext };

/**
 * Replaces every match in one transaction that undoes in one step: y-prosemirror's undo
 * manager would otherwise merge it with typing done just before or after it.
 */
export function replaceEverywhere(view: EditorView): boolean {
  return asOwnUndoStep(view.state, () => replaceAll(view.state, view.dispatch, view));
}
