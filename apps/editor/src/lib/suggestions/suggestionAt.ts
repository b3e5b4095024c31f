import type { EditorState } from 'prosemirror-state';
import { suggestionOf, type SuggestionAttrs } from '@tandem/crdt-bridge';
import { suggestionMarkOf } from './suggestionAuthor.js';

/** The suggestion the caret is in: who made it and whether it adds or removes the text there. */
export interface SuggestionAtCaret extends SuggestionAttrs {
  kind: 'insertion' | 'deletion';
}

/**
 * The suggestion under the caret (an empty selection only): the text after the caret's, else
 * the text before it, so the caret at either edge of a suggestion counts as in it.
 */
export function suggestionAt(state: EditorState): SuggestionAtCaret | null {
  const { selection } = state;
  if (!selection.empty) return null;
  const $head = selection.$head;
  for (const node of [$head.nodeAfter, $head.nodeBefore]) {
    for (const kind of ['insertion', 'deletion'] as const) {
      const mark = suggestionMarkOf(node, kind);
      if (mark) return { ...suggestionOf(mark), kind };
    }
  }
  return null;
}
