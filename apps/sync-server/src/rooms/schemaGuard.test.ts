import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from '@tandem/crdt-bridge/schema';
import { decodeWholeV1Update } from './v1Update.js';
import { schemaViolation } from './schemaGuard.js';

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
 * The CPU time one check of `update` against `doc` takes, in microseconds: CPU time
 * rather than the clock, so other processes on a busy machine do not count.
 */
function timeCheck(doc: Y.Doc, update: Uint8Array): number {
  const { structs } = decodeWholeV1Update(update);
  const started = process.cpuUsage();
  expect(schemaViolation(doc, structs)).toBeNull();
  const used = process.cpuUsage(started);
  return used.user + used.system;
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
  it('costs time in proportion to the update: ten times the paragraphs, not a hundred times the time', () => {
    const small = paste(1_000);
    const large = paste(10_000);
    timeCheck(small.doc, small.update); // Warm the code up before timing it.
    // The fastest of several interleaved runs each: the least disturbed by whatever else the machine does.
    let fastestSmall = Infinity;
    let fastestLarge = Infinity;
    for (let run = 0; run < 7; run++) {
      fastestSmall = Math.min(fastestSmall, timeCheck(small.doc, small.update));
      fastestLarge = Math.min(fastestLarge, timeCheck(large.doc, large.update));
    }
    const ratio = fastestLarge / fastestSmall;
    // Linear growth measures 10 to 30 here (ten times the items no longer fit the processor's
    // caches, and the maps grow); quadratic growth gives 100, and the cubic check this replaced 1,000.
    expect(ratio, `10k paragraphs took ${ratio.toFixed(1)}× as long as 1k`).toBeLessThan(50);
  });

  it('follows a chain of references as long as the document to its end, and refuses a bad block there', () => {
    const good = alternatingChain(12_000, () => new Y.XmlElement('paragraph'));
    expect(schemaViolation(good.doc, decodeWholeV1Update(good.update).structs)).toBeNull();
    const bad = alternatingChain(12_000, () => new Y.XmlElement('script'));
    expect(schemaViolation(bad.doc, decodeWholeV1Update(bad.update).structs)).toMatch(/unknown/i);
  });
});
