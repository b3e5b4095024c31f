import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { yUpdateFromDoc } from './convert.js';
import { parseMarkdown } from './markdown.js';
import { CONTENT_FRAGMENT } from './schema.js';
import { docText, firstTextLine, firstTextLineOfNode, nodeText } from './text.js';

function docOf(markdown: string): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, yUpdateFromDoc(parseMarkdown(markdown)));
  return doc;
}

describe('document text', () => {
  it('gives one line per textblock as plain text', () => {
    expect(docText(docOf('# Title\n\nSome *words*\n\n- one\n- two'))).toBe('Title\nSome words\none\ntwo');
  });

  it('reads text as it stands until suggestions are accepted: suggested insertions out, deletions in', () => {
    const doc = new Y.Doc();
    const paragraph = new Y.XmlElement('paragraph');
    const text = new Y.XmlText();
    paragraph.insert(0, [text]);
    doc.getXmlFragment(CONTENT_FRAGMENT).insert(0, [paragraph]);
    const by = { id: 's1', author: 'cem', name: 'Cem', color: '#1864ab' };
    text.insert(0, 'The ');
    text.insert(4, 'quick', { deletion: by });
    text.insert(9, 'slow', { insertion: by });
    text.insert(13, ' fox', {}); // Without attributes, Yjs would carry the insertion mark on.
    expect(docText(doc)).toBe('The quick fox');
    expect(firstTextLine(doc)).toBe('The quick fox');
  });

  it('finds the first line with text, looking inside lists and quotes', () => {
    expect(firstTextLine(docOf('- **Groceries** to buy\n- milk\n\n# Later heading'))).toBe('Groceries to buy');
    expect(firstTextLine(docOf('> quoted first\n\nthen text'))).toBe('quoted first');
    expect(firstTextLine(new Y.Doc())).toBe('');
  });

  it('finds the same first line in a ProseMirror document as in the Y.Doc written from it', () => {
    for (const markdown of ['- **Groceries** to buy\n- milk', '\n\n> quoted first\n\nthen', '---\n\n## Plan', '']) {
      const node = parseMarkdown(markdown);
      expect(firstTextLineOfNode(node), markdown).toBe(firstTextLine(docOf(markdown)));
    }
  });

  it('reads the same text from a ProseMirror document as from the Y.Doc written from it', () => {
    for (const markdown of ['# Plan\n\n- one\n- [ ] two\n\n---\n\n> quote\n\n```\ncode\n```', '', 'a\n\n\n\nb']) {
      expect(nodeText(parseMarkdown(markdown)), markdown).toBe(docText(docOf(markdown)));
    }
  });

  it('stops reading a long document once it has what was asked for', () => {
    const doc = docOf(Array.from({ length: 1000 }, (_, i) => `paragraph ${i}`).join('\n\n'));
    const start = docText(doc, 100);
    expect(start.length).toBeGreaterThanOrEqual(100);
    expect(start.length).toBeLessThan(120);
    expect(docText(doc).startsWith(start)).toBe(true);
  });
});
