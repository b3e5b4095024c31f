import { EditorState, TextSelection } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { schema } from '@tandem/crdt-bridge';
import { countMatches, findQuery, matchLabel } from './findMatches.js';

const { nodes } = schema;

/** An editor state whose document has one paragraph per line of `lines`. */
function stateOf(...lines: string[]): EditorState {
  const doc = nodes.doc!.create(
    null,
    lines.map((line) => nodes.paragraph!.create(null, line ? schema.text(line) : null)),
  );
  return EditorState.create({ schema, doc });
}

describe('counting matches', () => {
  it('counts every occurrence across paragraphs, ignoring case unless asked', () => {
    const state = stateOf('Cat cat', 'concatenate', 'CAT');
    expect(countMatches(state, findQuery({ search: 'cat' })).total).toBe(4);
    expect(countMatches(state, findQuery({ search: 'cat', caseSensitive: true })).total).toBe(2);
  });

  it('counts only whole words when asked', () => {
    const state = stateOf('cat concatenate cat.', 'cats cat');
    expect(countMatches(state, findQuery({ search: 'cat', wholeWord: true })).total).toBe(3);
    expect(countMatches(state, findQuery({ search: 'cat' })).total).toBe(5);
  });

  it('says which match the selection is on', () => {
    const base = stateOf('one two one two one');
    // Positions: the paragraph's text starts at 1; the second "one" is characters 8..11.
    const state = base.apply(base.tr.setSelection(TextSelection.create(base.doc, 9, 12)));
    const count = countMatches(state, findQuery({ search: 'one' }));
    expect(count).toEqual({ total: 3, capped: false, current: 2 });
    expect(matchLabel(count)).toBe('2 of 3');
  });

  it('stops at the limit and says there are more', () => {
    const state = stateOf('a'.repeat(50));
    const count = countMatches(state, findQuery({ search: 'a' }), 10);
    expect(count).toMatchObject({ total: 10, capped: true });
    expect(matchLabel(count)).toBe('10+ matches');
    expect(countMatches(state, findQuery({ search: 'a' }), 50)).toMatchObject({ total: 50, capped: false });
  });

  it('finds nothing for an empty search, and says so', () => {
    const count = countMatches(stateOf('text'), findQuery({ search: '' }));
    expect(count.total).toBe(0);
    expect(matchLabel(count)).toBe('No matches');
    expect(matchLabel({ total: 1, capped: false, current: null })).toBe('1 match');
  });

  it('takes the search literally: a backslash-n is not a newline, dots are dots', () => {
    expect(countMatches(stateOf('a\\nb', 'axb'), findQuery({ search: '\\n' })).total).toBe(1);
    expect(countMatches(stateOf('a.b axb'), findQuery({ search: 'a.b' })).total).toBe(1);
  });
});
