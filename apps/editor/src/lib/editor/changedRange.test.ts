import { describe, expect, it } from 'vitest';
import { schema } from '@tandem/crdt-bridge';
import { EditorState } from 'prosemirror-state';
import { changedRange, changedRangeMapping } from './changedRange.js';

const doc = (...paragraphs: string[]) =>
  schema.node(
    'doc',
    null,
    paragraphs.map((text) => schema.node('paragraph', null, text ? [schema.text(text)] : [])),
  );

describe('changedRange', () => {
  it('is null for equal documents', () => {
    expect(changedRange(doc('one', 'two'), doc('one', 'two'))).toBeNull();
  });

  it('finds a character typed in the second paragraph, and maps what follows past it', () => {
    const before = doc('one', 'two', 'three');
    const after = doc('one', 'twoX', 'three');
    const range = changedRange(before, after)!;
    // "one" takes 0–5, "two" starts at 5: text from 6, the X at 9.
    expect(range).toEqual({ from: 9, toBefore: 9, toAfter: 10 });
    const map = changedRangeMapping(EditorState.create({ doc: before }), after, range);
    expect(map.map(2)).toBe(2);
    expect(map.map(12)).toBe(13);
  });

  it('covers a repeated character whole (the two ends of the comparison overlap)', () => {
    const range = changedRange(doc('aa'), doc('aaa'))!;
    expect(range.toAfter - range.toBefore).toBe(1);
    expect(range.from).toBeLessThanOrEqual(range.toBefore);
  });

  it('finds a paragraph deleted between others', () => {
    const range = changedRange(doc('one', 'two', 'three'), doc('one', 'three'))!;
    expect(range.toBefore - range.from - (range.toAfter - range.from)).toBe(5);
  });
});
