import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from '@tandem/crdt-bridge/schema';
import { splitUpdate } from './v1Update.js';
import { SHADOW_AT_ONCE_BYTES, UpdatePolicy } from './UpdatePolicy.js';

/** A document of `paragraphs` short paragraphs, and a policy over it that counts its worker round trips. */
function policyOver(paragraphs: number): { policy: UpdatePolicy; doc: Y.Doc; splits: () => number } {
  const doc = new Y.Doc();
  doc.getXmlFragment(CONTENT_FRAGMENT).insert(
    0,
    Array.from({ length: paragraphs }, (_, i) => {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(`paragraph number ${i}`)]);
      return p;
    }),
  );
  let splits = 0;
  const policy = new UpdatePolicy({
    content: () => doc,
    fullState: () => Y.encodeStateAsUpdate(doc),
    // The worker's job, run here: what is counted is that it was asked.
    splitUpdate: async (update) => {
      splits++;
      return splitUpdate(update, 500);
    },
    isDestroyed: () => false,
  });
  return { policy, doc, splits: () => splits };
}

describe('the shadow copy the role rules try updates on', () => {
  it('is made at once for a small document, without a worker round trip', async () => {
    const { policy, doc, splits } = policyOver(200);
    expect(Y.encodeStateAsUpdate(doc).byteLength).toBeLessThan(SHADOW_AT_ONCE_BYTES);
    const made = policy.warmUp();
    // Ready before anything else runs: no turn waited for.
    expect(policy.ready).toBe(true);
    await made;
    expect(splits()).toBe(0);
  });

  it('is made from parts split on a worker for a big document, and holds what the document does', async () => {
    const { policy, doc, splits } = policyOver(12_000);
    expect(Y.encodeStateAsUpdate(doc).byteLength).toBeGreaterThan(SHADOW_AT_ONCE_BYTES);
    const made = policy.warmUp();
    expect(policy.ready).toBe(false);
    // A change made while it is built reaches the shadow too.
    (doc.getXmlFragment(CONTENT_FRAGMENT).get(0) as Y.XmlElement).insert(0, [new Y.XmlText('late ')]);
    await made;
    expect(policy.ready).toBe(true);
    expect(splits()).toBe(1);
    // The shadow is private; read here only to compare it with the document.
    const shadow = (policy as unknown as { shadow: Y.Doc }).shadow;
    expect(Y.encodeStateVector(shadow)).toEqual(Y.encodeStateVector(doc));
    expect(shadow.getXmlFragment(CONTENT_FRAGMENT).toString()).toBe(doc.getXmlFragment(CONTENT_FRAGMENT).toString());
  });
});
