import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from '@tandem/crdt-bridge/schema';
import { decodeWholeV1Update } from './v1Update.js';
import { SchemaCheck, schemaViolation } from './schemaGuard.js';

/** A document with one paragraph, and an update that pastes `count` paragraphs after it. */
function paste(count: number): { doc: Y.Doc; update: Uint8Array } {
  const doc = new Y.Doc();
  const first = new Y.XmlElement('paragraph');
  first.insert(0, [new Y.XmlText('first')]);
  doc.getXmlFragment(CONTENT_FRAGMENT).insert(0, [first]);
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(doc));
  const before = Y.encodeStateVector(client);
  client.transact(() => {
    const paragraphs = Array.from({ length: count }, (_, i) => {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(`Paragraph ${i}, pasted with the others in one go.`)]);
      return p;
    });
    client.getXmlFragment(CONTENT_FRAGMENT).insert(1, paragraphs);
  });
  return { doc, update: Y.encodeStateAsUpdate(client, before) };
}

/**
 * Two clients taking turns, each typing a paragraph after the other's last one: every
 * paragraph's position refers to the other client's, so the chain of references from the
 * last paragraph back to the body is as long as the document. `last` is what the final
 * turn inserts.
 */
function alternatingChain(turns: number, last: () => Y.XmlElement): { doc: Y.Doc; update: Uint8Array } {
  const doc = new Y.Doc();
  const a = new Y.Doc();
  const b = new Y.Doc();
  a.clientID = 1;
  b.clientID = 2; // Encoded first (Yjs writes higher client ids first), so its chain is resolved first.
  for (let i = 0; i < turns; i++) {
    const [writer, reader] = i % 2 === 0 ? [a, b] : [b, a];
    const before = Y.encodeStateVector(writer);
    const fragment = writer.getXmlFragment(CONTENT_FRAGMENT);
    const p = i === turns - 1 ? last() : new Y.XmlElement('paragraph');
    fragment.insert(fragment.length, [p]);
    Y.applyUpdate(reader, Y.encodeStateAsUpdate(writer, before));
  }
  return { doc, update: Y.encodeStateAsUpdate(a) };
}

describe('the schema check', () => {
  it('does work in proportion to the update: twenty times the paragraphs, twenty times the links followed', () => {
    // Counted, not timed: CPU time on a busy machine grew 75 times for ten times the paragraphs
    // once (garbage collection and caches grow faster than the work), so timing could not tell
    // a linear check from a quadratic one. Speed itself is measured in the benchmarks.
    const links = (count: number): number => {
      const { doc, update } = paste(count);
      const check = new SchemaCheck(doc);
      check.add(decodeWholeV1Update(update).structs);
      expect(check.run()).toBeNull();
      return check.linksFollowed;
    };
    const small = links(1_000);
    const large = links(20_000);
    expect(small).toBeGreaterThan(1_000);
    // Each item's chain is followed once and remembered; following it again from every item
    // (the quadratic check this replaced) makes the ratio about 400.
    expect(large / small, `${small} links for 1k paragraphs, ${large} for 20k`).toBeLessThan(22);
  });

  it('follows a chain of references as long as the document to its end, and refuses a bad block there', () => {
    const good = alternatingChain(12_000, () => new Y.XmlElement('paragraph'));
    expect(schemaViolation(good.doc, decodeWholeV1Update(good.update).structs)).toBeNull();
    const bad = alternatingChain(12_000, () => new Y.XmlElement('script'));
    expect(schemaViolation(bad.doc, decodeWholeV1Update(bad.update).structs)).toMatch(/unknown/i);
  });
});
