import { describe, expect, it } from 'vitest';
import { Fragment, Slice } from 'prosemirror-model';
import { schema } from '@tandem/crdt-bridge';
import { currentHeadingIndex, outlineOf } from './headings.js';
import { countLabel, countNode, countRange, countText } from './wordCount.js';

const heading = (level: number, text: string) => ({
  type: 'heading',
  attrs: { level },
  content: [{ type: 'text', text }],
});
const para = (text: string) => ({ type: 'paragraph', content: [{ type: 'text', text }] });

const doc = schema.nodeFromJSON({
  type: 'doc',
  content: [
    para('Intro words here'),
    heading(1, 'Plan'),
    para('one two'),
    { type: 'blockquote', content: [heading(2, 'Quoted')] },
    heading(3, 'Detail'),
    para('three'),
  ],
});

describe('the outline', () => {
  it('lists headings at every depth in order, with their levels and caret positions', () => {
    const headings = outlineOf(doc);
    expect(headings.map((h) => [h.level, h.text])).toEqual([
      [1, 'Plan'],
      [2, 'Quoted'],
      [3, 'Detail'],
    ]);
    for (const h of headings) expect(doc.resolve(h.pos).parent.textContent).toBe(h.text);
  });

  it('marks the heading whose section holds the caret, none before the first', () => {
    const headings = outlineOf(doc);
    expect(currentHeadingIndex(headings, 1)).toBe(-1);
    expect(currentHeadingIndex(headings, headings[0]!.pos + 3)).toBe(0);
    expect(currentHeadingIndex(headings, headings[2]!.pos)).toBe(2);
    expect(currentHeadingIndex(headings, headings[2]!.pos - 1)).toBe(2);
    expect(currentHeadingIndex(headings, headings[2]!.pos - 2)).toBe(1);
    expect(currentHeadingIndex(headings, doc.content.size)).toBe(2);
    expect(currentHeadingIndex([], 5)).toBe(-1);
  });
});

describe('the word count', () => {
  it('counts words as people do, with apostrophes, hyphens and digits inside words', () => {
    expect(countText("It's a well-known fact: 42 cats!").words).toBe(6);
    expect(countText('  ').words).toBe(0);
    expect(countText('héllo wörld').words).toBe(2);
  });

  it('counts Chinese and Japanese text by the words the browser finds, never as one word', () => {
    expect(countText('我喜欢猫').words).toBeGreaterThan(1);
  });

  it('counts characters but not line breaks, an emoji as one', () => {
    expect(countText('ab\ncd 😀').characters).toBe(6);
  });

  it('adds up blocks, never joining words across them, and follows an edit', () => {
    expect(countNode(doc)).toEqual({ words: 9, characters: 44 });
    const edited = doc.replace(1, 1, new Slice(Fragment.from(schema.text('More ')), 0, 0));
    expect(countNode(edited)).toEqual({ words: 10, characters: 49 });
  });

  it('counts a selection and labels both', () => {
    const selected = countRange(doc, 1, 6);
    expect(selected.words).toBe(1);
    expect(countLabel({ words: 1234, characters: 6789 }, null)).toBe('1,234 words · 6,789 characters');
    expect(countLabel({ words: 1234, characters: 6789 }, { words: 12, characters: 1 })).toBe(
      '12 of 1,234 words · 1 of 6,789 characters',
    );
    expect(countLabel({ words: 1, characters: 1 }, null)).toBe('1 word · 1 character');
  });
});
