import { describe, expect, it } from 'vitest';
import { leadUpToMatch, snippetParts } from './snippetParts.js';

describe('snippet parts', () => {
  it('splits a snippet into plain runs and matches', () => {
    expect(
      snippetParts({
        text: '…the orchard and the orchards…',
        highlights: [
          { start: 5, end: 12 },
          { start: 21, end: 29 },
        ],
      }),
    ).toEqual([
      { text: '…the ', match: false },
      { text: 'orchard', match: true },
      { text: ' and the ', match: false },
      { text: 'orchards', match: true },
      { text: '…', match: false },
    ]);
  });

  it('keeps markup in the text as text and skips ranges it cannot trust', () => {
    const text = '<img src=x onerror=alert(1)> match';
    const parts = snippetParts({
      text,
      highlights: [
        { start: 29, end: 34 },
        { start: 2, end: 4 }, // before the previous one
        { start: 30, end: 99 }, // past the end
      ],
    });
    expect(parts).toEqual([
      { text: '<img src=x onerror=alert(1)> ', match: false },
      { text: 'match', match: true },
    ]);
    expect(parts.map((p) => p.text).join('')).toBe(text);
  });
});

describe('lead up to the match', () => {
  it('keeps a few words before a match found late in the snippet, so two lines on a phone show it', () => {
    const text =
      '…First week Get a laptop and accounts Read the architecture notes Pair with your buddy on a small fix…';
    const start = text.indexOf('buddy');
    const led = leadUpToMatch({ text, highlights: [{ start, end: start + 5 }] });
    expect(led.text.startsWith('…')).toBe(true);
    expect(led.text.indexOf('buddy')).toBeLessThanOrEqual(34);
    const [mark] = led.highlights;
    expect(led.text.slice(mark!.start, mark!.end)).toBe('buddy');
    // Cut at a word: the first word kept is whole.
    expect(text).toContain(` ${led.text.slice(1).split(' ')[0]} `);
  });

  it('leaves a snippet whose match is already near the start alone', () => {
    const snippet = { text: 'the orchard in spring', highlights: [{ start: 4, end: 11 }] };
    expect(leadUpToMatch(snippet)).toBe(snippet);
  });
});
