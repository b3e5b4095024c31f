import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createThread } from '@tandem/crdt-bridge/comments';
import { restoredThreadsSentence } from './restoreComments.js';

const ANA = { id: 'ana', name: 'Ana', color: '#1971c2' };

/** A document of one paragraph per line, and the first line's text to edit. */
function docOf(...lines: string[]): { doc: Y.Doc; texts: Y.XmlText[] } {
  const doc = new Y.Doc();
  const texts = lines.map((line) => new Y.XmlText(line));
  doc.getXmlFragment('prosemirror').insert(
    0,
    texts.map((text) => {
      const paragraph = new Y.XmlElement('paragraph');
      paragraph.insert(0, [text]);
      return paragraph;
    }),
  );
  return { doc, texts };
}

/** Opens a thread on characters `from`–`to` of `text`. */
function comment(doc: Y.Doc, id: string, text: Y.XmlText, from: number, to: number): void {
  createThread(doc, {
    id,
    anchor: {
      start: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, from)),
      end: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, to, -1)),
    },
    suggestion: null,
    quote: text.toString().slice(from, to),
    message: { id: `${id}-1`, author: ANA, text: 'Why?', mentions: [], createdAt: 1, editedAt: null },
  });
}

describe('what a restore says about comments', () => {
  it('says nothing when no thread is open', () => {
    expect(restoredThreadsSentence(docOf('Plain text').doc)).toBe('');
  });

  it('says open threads are kept, and how many are now on text the version does not have', () => {
    const { doc, texts } = docOf('First line', 'Second line');
    comment(doc, 't1', texts[0]!, 0, 5);
    expect(restoredThreadsSentence(doc)).toBe('The open comment is kept.');
    comment(doc, 't2', texts[1]!, 0, 6);
    expect(restoredThreadsSentence(doc)).toBe('The 2 open comments are kept.');
    // The restored version has no second line.
    doc.getXmlFragment('prosemirror').delete(1, 1);
    expect(restoredThreadsSentence(doc)).toBe(
      'The 2 open comments are kept; 1 is on text this version does not have, shown with its quote.',
    );
  });
});
