import { TextSelection, type EditorState } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { suggestPlugin } from './suggestPlugin.js';
import { suggestionAt } from './suggestionAt.js';
import { SUE, stateOf } from './testDocs.js';

function caretAt(state: EditorState, pos: number): EditorState {
  return state.apply(state.tr.setSelection(TextSelection.create(state.doc, pos)));
}

describe('the suggestion under the caret', () => {
  const plugin = suggestPlugin({ isSuggesting: () => true, author: () => SUE, newId: () => 's1' });
  let state = stateOf(['Hello world'], [plugin]);
  state = caretAt(state, 6);
  state = state.apply(state.tr.insertText('!!'));
  state = state.apply(state.tr.delete(11, 13));

  it('names who suggested the text the caret is in, and what they suggested', () => {
    expect(suggestionAt(caretAt(state, 7))).toMatchObject({ id: 's1', name: 'Sue', kind: 'insertion' });
    expect(suggestionAt(caretAt(state, 12))).toMatchObject({ name: 'Sue', kind: 'deletion' });
  });

  it('is nothing in plain text or for a selection', () => {
    expect(suggestionAt(caretAt(state, 3))).toBeNull();
    expect(suggestionAt(state.apply(state.tr.setSelection(TextSelection.create(state.doc, 6, 8))))).toBeNull();
  });
});
