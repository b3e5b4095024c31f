import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { yUpdateFromDoc } from './convert.js';
import { parseMarkdown } from './markdown.js';
import { docText, docTitle } from './text.js';

function docOf(markdown: string): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, yUpdateFromDoc(parseMarkdown(markdown)));
  return doc;
}

describe('document title and text', () => {
  it('takes the first line with text, looking inside lists and quotes', () => {
    expect(docTitle(docOf('- **Groceries** to buy\n- milk\n\n# Later heading'))).toBe('Groceries to buy');
    expect(docTitle(docOf('> quoted first\n\nthen text'))).toBe('quoted first');
  });

  it('prefers the title set in meta, and is empty for an empty document', () => {
    const doc = docOf('first line');
    doc.getMap('meta').set('title', '  Plan  ');
    expect(docTitle(doc)).toBe('Plan');
    expect(docTitle(new Y.Doc())).toBe('');
  });

  it('gives one line per textblock as plain text', () => {
    expect(docText(docOf('# Title\n\nSome *words*\n\n- one\n- two'))).toBe('Title\nSome words\none\ntwo');
  });
});
