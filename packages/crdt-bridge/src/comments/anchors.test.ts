import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from '../schema/schema.js';
import { anchoredText, suggestionText } from './anchors.js';

function paragraph(text: string): Y.XmlElement {
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText(text)]);
  return p;
}

function textOf(doc: Y.Doc, block: number): Y.XmlText {
  return (doc.getXmlFragment(CONTENT_FRAGMENT).get(block) as Y.XmlElement).get(0) as Y.XmlText;
}

function at(type: Y.XmlText, index: number, assoc = 0): unknown {
  return Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(type, index, assoc));
}

describe('anchoredText', () => {
  it('reads text across blocks, follows edits, and tells deleted text', () => {
    const doc = new Y.Doc();
    doc.getXmlFragment(CONTENT_FRAGMENT).insert(0, [paragraph('first line'), paragraph('second line')]);
    const anchor = { start: at(textOf(doc, 0), 6), end: at(textOf(doc, 1), 6, -1) };
    expect(anchoredText(doc, anchor)).toEqual({ text: 'line\nsecond', deleted: false });
    textOf(doc, 0).insert(0, 'the ');
    expect(anchoredText(doc, anchor)).toEqual({ text: 'line\nsecond', deleted: false });
    doc.getXmlFragment(CONTENT_FRAGMENT).delete(0, 1);
    textOf(doc, 0).delete(0, 6);
    expect(anchoredText(doc, anchor)).toEqual({ text: null, deleted: true });
  });

  it('treats an unreadable anchor as deleted text', () => {
    expect(anchoredText(new Y.Doc(), { start: { nonsense: true }, end: null })).toEqual({ text: null, deleted: true });
  });
});

describe('suggestionText', () => {
  it('is the text carrying the suggestion, deleted once none does', () => {
    const doc = new Y.Doc();
    doc.getXmlFragment(CONTENT_FRAGMENT).insert(0, [paragraph('keep this')]);
    const attrs = { id: 's1', author: 'ana', name: 'Ana', color: '#112233' };
    textOf(doc, 0).format(5, 4, { deletion: attrs });
    textOf(doc, 0).insert(0, 'Do ', { insertion: attrs });
    expect(suggestionText(doc, 's1')).toEqual({ text: 'Do this', deleted: false });
    textOf(doc, 0).format(0, 12, { insertion: null, deletion: null });
    expect(suggestionText(doc, 's1')).toEqual({ text: null, deleted: true });
  });
});
