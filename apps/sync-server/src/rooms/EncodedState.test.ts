import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { EncodedState } from './EncodedState.js';

/** A document that hands its changes to an EncodedState, counting how often it is encoded whole. */
function followed(): { doc: Y.Doc; state: EncodedState; encode: () => Uint8Array; encodings: () => number } {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, 'a long document');
  let encodings = 0;
  const state = new EncodedState(Y.encodeStateAsUpdate(doc));
  doc.on('update', (update: Uint8Array) => state.changed(update));
  const encode = (): Uint8Array => {
    encodings++;
    return Y.encodeStateAsUpdate(doc);
  };
  return { doc, state, encode, encodings: () => encodings };
}

/** The text of a document made by applying `parts` in order. */
function textOf(parts: Uint8Array[]): string {
  const doc = new Y.Doc();
  for (const part of parts) Y.applyUpdate(doc, part);
  return doc.getText('t').toString();
}

describe('a room’s encoded state', () => {
  it('hands workers the last encoding and the changes since, without encoding again', () => {
    const { doc, state, encode, encodings } = followed();
    doc.getText('t').insert(0, 'x');
    doc.getText('t').delete(1, 5);
    const parts = state.parts(encode);
    expect(encodings()).toBe(0);
    expect(parts).toHaveLength(3);
    expect(textOf(parts)).toBe(doc.getText('t').toString());
  });

  it('encodes the whole state once per change, however many read it', () => {
    const { doc, state, encode, encodings } = followed();
    const first = state.whole(encode);
    expect(encodings()).toBe(0);
    doc.getText('t').insert(0, 'x');
    const second = state.whole(encode);
    expect(state.whole(encode)).toBe(second);
    expect(encodings()).toBe(1);
    expect(second).not.toBe(first);
    expect(textOf([second])).toBe('xa long document');
    expect(state.parts(encode)).toEqual([second]);
  });

  it('lets go of an encoding once the changes since outweigh it, and encodes afresh when asked', () => {
    const { doc, state, encode, encodings } = followed();
    doc.getText('t').insert(0, 'y'.repeat(1_000));
    const parts = state.parts(encode);
    expect(encodings()).toBe(1);
    expect(parts).toHaveLength(1);
    expect(textOf(parts)).toBe(doc.getText('t').toString());
  });
});
