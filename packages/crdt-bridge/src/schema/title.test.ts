import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { yUpdateFromDoc } from './convert.js';
import { parseMarkdown } from './markdown.js';
import { MAX_TITLE_LENGTH, cleanTitle, docTitle, setStoredTitle, storedTitle, titleProblem } from './title.js';

function docOf(markdown: string, title?: string): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, yUpdateFromDoc(parseMarkdown(markdown), title));
  return doc;
}

describe('a document’s title', () => {
  it('is the stored title when there is one, else the first line with text, else empty', () => {
    expect(docTitle(docOf('- **Groceries** to buy\n- milk'))).toBe('Groceries to buy');
    expect(docTitle(docOf('first line', '  Plan  '))).toBe('Plan');
    expect(docTitle(new Y.Doc())).toBe('');
  });

  it('keeps a 150-character title whole, whether stored or taken from the first line', () => {
    const long = 'A title of some length '.repeat(7).slice(0, 150);
    expect(docTitle(docOf('body', long))).toBe(long);
    expect(docTitle(docOf(long))).toBe(long);
  });

  it('is cut to the one maximum, whichever way it was set', () => {
    const tooLong = 'x'.repeat(MAX_TITLE_LENGTH + 50);
    expect(docTitle(docOf(tooLong))).toHaveLength(MAX_TITLE_LENGTH);
    expect(cleanTitle(tooLong)).toHaveLength(MAX_TITLE_LENGTH);
    const doc = new Y.Doc();
    setStoredTitle(doc, tooLong);
    expect(storedTitle(doc)).toHaveLength(MAX_TITLE_LENGTH);
    expect(titleProblem(storedTitle(doc))).toBeNull();
  });

  it('is never cut through the middle of a character', () => {
    const title = `${'x'.repeat(MAX_TITLE_LENGTH - 1)}😀 and more`;
    expect(cleanTitle(title)).toBe('x'.repeat(MAX_TITLE_LENGTH - 1));
  });
});

describe('the stored title', () => {
  it('is kept as typed, spaces included, so a title field can write every keystroke', () => {
    const doc = new Y.Doc();
    setStoredTitle(doc, 'Road map ');
    expect(storedTitle(doc)).toBe('Road map ');
    expect(docTitle(doc)).toBe('Road map');
  });

  it('is removed by a blank one, so the first line names the document again', () => {
    const doc = docOf('Meeting notes', 'Old name');
    setStoredTitle(doc, '   ');
    expect(storedTitle(doc)).toBe('');
    expect(docTitle(doc)).toBe('Meeting notes');
  });

  it('may be text of at most the maximum length, and nothing else', () => {
    expect(titleProblem('x'.repeat(MAX_TITLE_LENGTH))).toBeNull();
    expect(titleProblem('x'.repeat(MAX_TITLE_LENGTH + 1))).toMatch(/at most 200 characters/);
    expect(titleProblem(42)).not.toBeNull();
    expect(titleProblem({ text: 'x' })).not.toBeNull();
  });
});
