import { TextSelection, type EditorState } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { collectSuggestions, countSuggestions, describeSuggestion } from './collectSuggestions.js';
import { resolveSuggestions } from './resolveSuggestions.js';
import { suggestPlugin } from './suggestPlugin.js';
import { ED, SUE, described, stateOf } from './testDocs.js';

describe('collecting a document’s suggestions', () => {
  it('groups marks by suggestion, in document order, with the words the list shows', () => {
    const list = collectSuggestions(seeded().doc);
    expect(list.map((s) => [s.id, s.name, s.color, describeSuggestion(s)])).toEqual([
      ['s2', 'Sue', SUE.color, 'Delete: “H”'],
      ['s1', 'Sue', SUE.color, 'Replace: “world” with “there”'],
    ]);
    expect(countSuggestions(seeded().doc)).toBe(2);
    expect(list[1]!.ranges).toEqual([
      { kind: 'deletion', from: 7, to: 12 },
      { kind: 'insertion', from: 12, to: 17 },
    ]);
  });

  it('merges one suggestion’s stretches in several paragraphs into one entry', () => {
    let state = stateOf(
      ['one', 'two'],
      [suggestPlugin({ isSuggesting: () => true, author: () => SUE, newId: () => 'x' })],
    );
    state = state.apply(state.tr.delete(3, 7));
    expect(collectSuggestions(state.doc).map(describeSuggestion)).toEqual(['Delete: “e t”']);
  });
});

describe('accepting and rejecting', () => {
  it('accepting an insertion keeps its text; accepting a deletion removes the text', () => {
    const state = seeded();
    const accepted = state.apply(resolveSuggestions(state, ['s1'], 'accept')!);
    expect(described(accepted.doc)).toBe('[-H sue:s2]ello there');
    const both = accepted.apply(resolveSuggestions(accepted, ['s2'], 'accept')!);
    expect(described(both.doc)).toBe('ello there');
  });

  it('rejecting an insertion removes its text; rejecting a deletion keeps the text', () => {
    const state = seeded();
    const rejected = state.apply(resolveSuggestions(state, ['s1'], 'reject')!);
    expect(described(rejected.doc)).toBe('[-H sue:s2]ello world');
  });

  it('accepts or rejects every suggestion in one transaction', () => {
    const state = seeded();
    const all = resolveSuggestions(state, 'all', 'accept')!;
    expect(described(state.apply(all).doc)).toBe('ello there');
    expect(described(state.apply(resolveSuggestions(state, 'all', 'reject')!).doc)).toBe('Hello world');
    expect(collectSuggestions(state.apply(all).doc)).toEqual([]);
  });

  it('is not turned into a suggestion when the reviewer is in Suggesting mode', () => {
    const state = seeded(true);
    expect(described(state.apply(resolveSuggestions(state, 'all', 'reject')!).doc)).toBe('Hello world');
  });

  it('does nothing for a suggestion that is no longer there', () => {
    expect(resolveSuggestions(seeded(), ['gone'], 'accept')).toBeNull();
  });
});

/**
 * "Hello world" after Sue, suggesting, replaced "world" with "there" (s1) and struck the
 * "H" (s2), as a reviewer's editor holds it: Ed's, in Suggesting mode when `edSuggests`.
 */
function seeded(edSuggests = false): EditorState {
  let next = 0;
  const sue = suggestPlugin({ isSuggesting: () => true, author: () => SUE, newId: () => `s${++next}` });
  let state = stateOf(['Hello world'], [sue]);
  state = state.apply(state.tr.setSelection(TextSelection.create(state.doc, 7, 12)));
  state = state.apply(state.tr.insertText('there'));
  state = state.apply(state.tr.delete(1, 2));
  expect(described(state.doc)).toBe('[-H sue:s2]ello [-world sue:s1][+there sue:s1]');
  const ed = suggestPlugin({ isSuggesting: () => edSuggests, author: () => ED, newId: () => 'e1' });
  return state.reconfigure({ plugins: [ed] });
}
