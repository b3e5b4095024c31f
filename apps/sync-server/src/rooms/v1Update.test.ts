import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from '@tandem/crdt-bridge/schema';
import { stateFingerprint } from '@tandem/crdt-bridge/testing';
import { decodeWholeV1Update, splitUpdate, structCountHint } from './v1Update.js';

/** Adds `count` paragraphs at the end of the document's body. */
function addParagraphs(doc: Y.Doc, count: number, label: string): void {
  doc.transact(() => {
    const fragment = doc.getXmlFragment(CONTENT_FRAGMENT);
    fragment.insert(
      fragment.length,
      Array.from({ length: count }, (_, i) => {
        const p = new Y.XmlElement('paragraph');
        p.insert(0, [new Y.XmlText(`${label} ${i}`)]);
        return p;
      }),
    );
  });
}

/** Applies `parts` in order to a copy of `base` and returns it. */
function applyParts(base: Y.Doc, parts: readonly Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
  for (const part of parts) Y.applyUpdate(doc, part);
  return doc;
}

describe('splitting an update into parts', () => {
  it('gives back a small update as it is', () => {
    const doc = new Y.Doc();
    addParagraphs(doc, 3, 'small');
    const update = Y.encodeStateAsUpdate(doc);
    expect(splitUpdate(update, 1_000)).toEqual([update]);
  });

  it('makes parts of at most the given size that, applied in order, do what the whole does', () => {
    const base = new Y.Doc();
    addParagraphs(base, 10, 'existing');
    const editor = new Y.Doc();
    Y.applyUpdate(editor, Y.encodeStateAsUpdate(base));
    const before = Y.encodeStateVector(editor);
    addParagraphs(editor, 2_000, 'pasted');
    editor.getXmlFragment(CONTENT_FRAGMENT).delete(2, 3); // Deletions travel in the last part.
    const update = Y.encodeStateAsUpdate(editor, before);

    const parts = splitUpdate(update, 500);
    expect(parts.length).toBeGreaterThan(3);
    for (const part of parts) expect(decodeWholeV1Update(part).structs.length).toBeLessThanOrEqual(500);
    const whole = applyParts(base, [update]);
    const split = applyParts(base, parts);
    expect(split.store.pendingStructs).toBeNull();
    expect(stateFingerprint(split)).toBe(stateFingerprint(whole));
    expect(stateFingerprint(split)).toBe(stateFingerprint(editor));
  });

  it('keeps every client of a merged update, in order', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    addParagraphs(a, 700, 'from a');
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    addParagraphs(b, 700, 'from b');
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    addParagraphs(a, 700, 'from a again');
    const update = Y.encodeStateAsUpdate(a);
    const split = applyParts(new Y.Doc(), splitUpdate(update, 333));
    expect(split.store.pendingStructs).toBeNull();
    expect(stateFingerprint(split)).toBe(stateFingerprint(a));
  });

  it('refuses bytes that are not one whole V1 update', () => {
    const doc = new Y.Doc();
    addParagraphs(doc, 3, 'x');
    expect(() => splitUpdate(Y.encodeStateAsUpdateV2(doc), 2)).toThrow();
  });
});

describe('the struct count of an update, from its first bytes', () => {
  it('is read for one client, and left unknown for several', () => {
    const doc = new Y.Doc();
    addParagraphs(doc, 40, 'counted');
    const update = Y.encodeStateAsUpdate(doc);
    expect(structCountHint(update)).toBe(decodeWholeV1Update(update).structs.length);
    const other = new Y.Doc();
    Y.applyUpdate(other, update);
    addParagraphs(other, 1, 'from someone else');
    expect(structCountHint(Y.encodeStateAsUpdate(other))).toBeNull();
    expect(structCountHint(new Uint8Array([0xff]))).toBeNull();
  });
});
