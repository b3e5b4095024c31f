import { describe, expect, it } from 'vitest';
import { MAX_INDEXED_CHARS, cleanSearch, indexableText, searchTerms, snippetJson } from './searchText.js';

describe('search text', () => {
  it('cuts a long text at the limit, never inside a surrogate pair', () => {
    expect(indexableText('x'.repeat(MAX_INDEXED_CHARS + 10))).toHaveLength(MAX_INDEXED_CHARS);
    const emojiAtEdge = `${'x'.repeat(MAX_INDEXED_CHARS - 1)}😀`;
    expect(indexableText(emojiAtEdge)).toBe('x'.repeat(MAX_INDEXED_CHARS - 1));
  });

  it('takes the snippet marks and other control characters out of indexed text and searches', () => {
    expect(indexableText('a\u0002b\u0003c\u0000d\te\nf')).toBe('a b c d\te\nf');
    expect(cleanSearch(' fish\u0000chips ')).toBe('fish chips');
  });

  it('keeps only words with a letter or digit, at most 16', () => {
    expect(searchTerms('  "fish" - * NEAR( ++ 日本語 42 ')).toEqual(['"fish"', 'NEAR(', '日本語', '42']);
    expect(searchTerms(Array.from({ length: 30 }, (_, i) => `w${i}`).join(' '))).toHaveLength(16);
  });

  it('turns marks into ranges over the text without them, one space for any run of spaces', () => {
    expect(snippetJson('…the \u0002orchard\u0003 and\n\nthe \u0002orchards\u0003…')).toEqual({
      text: '…the orchard and the orchards…',
      highlights: [
        { start: 5, end: 12 },
        { start: 21, end: 29 },
      ],
    });
    // An unmatched or empty mark highlights nothing.
    expect(snippetJson('a \u0003b\u0002\u0003 c \u0002d')).toEqual({ text: 'a b c d', highlights: [] });
  });
});
