import { describe, expect, it } from 'vitest';
import { snippetParts } from './snippetParts.js';

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
