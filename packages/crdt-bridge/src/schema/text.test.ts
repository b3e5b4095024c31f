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

  it('reads the same text as the delta does after random edits, formatting and suggestions', () => {
    const doc = new Y.Doc();
    const paragraph = new Y.XmlElement('paragraph');
    const text = new Y.XmlText();
    paragraph.insert(0, [text]);
    doc.getXmlFragment(CONTENT_FRAGMENT).insert(0, [paragraph]);
    const by = { id: 's1', author: 'cem', name: 'Cem', color: '#1864ab' };
    let seed = 7;
    const random = (n: number): number => (seed = (seed * 48271) % 2147483647) % n;
    for (let i = 0; i < 400; i++) {
      const at = random(text.length + 1);
      const kind = random(6);
      if (kind === 0 && text.length > 0) text.delete(random(text.length), 1 + random(3));
      else if (kind === 1 && text.length > 0)
        text.format(random(text.length), 1 + random(4), { strong: random(2) ? true : null });
      else if (kind === 2) text.insert(at, 'ins', { insertion: by });
      else if (kind === 3 && text.length > 0) text.format(random(text.length), 1 + random(4), { insertion: null });
      else text.insert(at, String.fromCharCode(97 + random(26)), {});
    }
    let expected = '';
    for (const op of text.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[])
      if (typeof op.insert === 'string' && op.attributes?.insertion === undefined) expected += op.insert;
    expect(expected).not.toBe('');
    expect(docText(doc)).toBe(expected);
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
