import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { stateContent } from '@tandem/crdt-bridge/history';
import { RowCodec, unpackState } from './rowCodec.js';
import { MAX_VERSIONS_PER_BASE, packVersionState, type Packing } from './versionPacking.js';

/** A document with `paragraphs` paragraphs of ordinary prose. */
function document(paragraphs: number): Y.Doc {
  const doc = new Y.Doc();
  const body = doc.getXmlFragment('prosemirror');
  for (let i = 0; i < paragraphs; i++) {
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText(`Paragraph ${i}: the team wrote this together over several days.`)]);
    body.push([p]);
  }
  return doc;
}

function base(packing: Packing, id = 1) {
  if (packing.kind !== 'base') throw new Error('expected a base');
  return { id, stateVector: packing.stateVector, versions: 1 };
}

describe('packing a version state', () => {
  it('packs a state given in parts (a room’s last encoding and its changes since) as their merged state', async () => {
    const doc = document(100);
    const encoded = Y.encodeStateAsUpdate(doc);
    const since: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => since.push(update));
    const body = doc.getXmlFragment('prosemirror');
    ((body.get(2) as Y.XmlElement).get(0) as Y.XmlText).insert(0, 'Edited: ');
    body.delete(7, 1);
    const now = stateContent(Y.encodeStateAsUpdate(doc));
    expect(since.length).toBe(2);

    const whole = await packVersionState([encoded, ...since], null);
    const state = unpackState({ parts: [whole] });
    expect(stateContent(state)).toEqual(now);
    expect(whole.stateBytes).toBe(state.byteLength);

    const first = await packVersionState(encoded, null);
    expect(first.stateBytes).toBe(encoded.byteLength);
    const delta = await packVersionState([encoded, ...since], base(first));
    expect(delta.kind).toBe('delta');
    expect(stateContent(unpackState({ parts: [first, delta] }))).toEqual(now);
  });

  it('stores the first state whole and deflated', async () => {
    const state = Y.encodeStateAsUpdate(document(200));
    const packing = await packVersionState(state, null);
    expect(packing.kind).toBe('base');
    expect(packing.codec).toBe(RowCodec.Deflate);
    expect(packing.data.byteLength).toBeLessThan(state.byteLength / 2);
    expect(unpackState({ parts: [packing] })).toEqual(state);
  });

  it('stores a later state as a small delta that, merged with its base, is the state again', async () => {
    const doc = document(200);
    const first = await packVersionState(Y.encodeStateAsUpdate(doc), null);
    const body = doc.getXmlFragment('prosemirror');
    (body.get(3) as Y.XmlElement).delete(0, 1);
    ((body.get(5) as Y.XmlElement).get(0) as Y.XmlText).insert(4, ' (edited)');
    const later = Y.encodeStateAsUpdate(doc);
    const delta = await packVersionState(later, base(first));
    expect(delta.kind).toBe('delta');
    expect(delta.data.byteLength).toBeLessThan(first.data.byteLength / 10);
    const unpacked = unpackState({ parts: [first, delta] });
    expect(stateContent(unpacked)).toEqual(stateContent(later));
    expect(Y.encodeStateVectorFromUpdate(unpacked)).toEqual(Y.encodeStateVectorFromUpdate(later));
  });

  it('starts a new base when the delta would not be much smaller than the state', async () => {
    const doc = document(10);
    const first = await packVersionState(Y.encodeStateAsUpdate(doc), null);
    const body = doc.getXmlFragment('prosemirror');
    body.delete(0, body.length);
    body.push([new Y.XmlElement('paragraph')]);
    (body.get(0) as Y.XmlElement).insert(0, [new Y.XmlText('Everything rewritten. '.repeat(40))]);
    expect((await packVersionState(Y.encodeStateAsUpdate(doc), base(first))).kind).toBe('base');
  });

  it('starts a new base when the state does not contain the base (another history)', async () => {
    const first = await packVersionState(Y.encodeStateAsUpdate(document(50)), null);
    expect((await packVersionState(Y.encodeStateAsUpdate(document(50)), base(first))).kind).toBe('base');
  });

  it('starts a new base once a base carries its share of versions', async () => {
    const doc = document(50);
    const first = await packVersionState(Y.encodeStateAsUpdate(doc), null);
    const full = { ...base(first), versions: MAX_VERSIONS_PER_BASE };
    expect((await packVersionState(Y.encodeStateAsUpdate(doc), full)).kind).toBe('base');
  });
});
