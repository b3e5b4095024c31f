import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { containsUpdate, containsUpdateInState } from './ledger.js';

function edit(doc: Y.Doc, text: string): Uint8Array {
  const before = Y.encodeStateVector(doc);
  doc.getText('t').insert(doc.getText('t').length, text);
  return Y.encodeStateAsUpdate(doc, before);
}

describe('containsUpdate', () => {
  it('finds an update a document already holds', () => {
    const source = new Y.Doc();
    const update = edit(source, 'held');
    const holder = new Y.Doc();
    Y.applyUpdate(holder, update);
    expect(containsUpdate(holder, update)).toBe(true);
    expect(containsUpdateInState(Y.encodeStateAsUpdate(holder), update)).toBe(true);
  });

  it('does not find an insertion the document lacks', () => {
    const source = new Y.Doc();
    const first = edit(source, 'one');
    const second = edit(source, 'two');
    const holder = new Y.Doc();
    Y.applyUpdate(holder, first);
    expect(containsUpdate(holder, second)).toBe(false);
  });

  it('does not find a deletion the document lacks', () => {
    const source = new Y.Doc();
    const insert = edit(source, 'doomed');
    const holder = new Y.Doc();
    Y.applyUpdate(holder, insert);
    const before = Y.encodeStateVector(source);
    source.getText('t').delete(0, 3);
    const deletion = Y.encodeStateAsUpdate(source, before);
    expect(containsUpdate(holder, deletion)).toBe(false);
    Y.applyUpdate(holder, deletion);
    expect(containsUpdate(holder, deletion)).toBe(true);
  });

  it('does not mistake an update it cannot even integrate for one it holds', () => {
    const source = new Y.Doc();
    edit(source, 'missing');
    const dependent = edit(source, ' dependent');
    expect(containsUpdate(new Y.Doc(), dependent)).toBe(false);
  });
});
