import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT, schema } from '../schema/schema.js';
import { boundDiff, jsonNodeSize, utf8Length, type BoundedDiff } from './bound.js';
import { diffStates } from './diff.js';
import type { DiffChange, NodeJSON } from './types.js';

/** A document of `count` paragraphs, and a later state of it: one paragraph edited, one deleted, one added. */
function editedPair(count: number): { before: Uint8Array; after: Uint8Array } {
  const doc = new Y.Doc();
  const body = doc.getXmlFragment(CONTENT_FRAGMENT);
  body.insert(
    0,
    Array.from({ length: count }, (_, i) => {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(`Paragraph ${i}, which nobody changes in this test.`)]);
      return p;
    }),
  );
  const before = Y.encodeStateAsUpdate(doc);
  doc.transact(() => {
    ((body.get(Math.floor(count / 4)) as Y.XmlElement).get(0) as Y.XmlText).insert(0, 'Edited: ');
    body.delete(Math.floor(count / 2), 1);
    const added = new Y.XmlElement('paragraph');
    added.insert(0, [new Y.XmlText('A new paragraph near the end.')]);
    body.insert(count - 10, [added]);
  });
  return { before, after: Y.encodeStateAsUpdate(doc) };
}

/** Bytes of the JSON of a bounded diff as a response would carry it. */
function responseBytes(bounded: BoundedDiff<DiffChange>): number {
  return utf8Length(JSON.stringify(bounded));
}

/** The merged document's top-level blocks as the original numbered them, with hidden runs put back as their count. */
function originalIndexes(bounded: BoundedDiff<DiffChange>): number[] {
  const hiddenBefore = new Map(bounded.hidden.map((h) => [h.index, h.blocks] as const));
  const indexes: number[] = [];
  let original = 0;
  (bounded.doc.content ?? []).forEach((_, i) => {
    original += hiddenBefore.get(i) ?? 0;
    indexes.push(original++);
  });
  return indexes;
}

describe('bounding a diff', () => {
  const { before, after } = editedPair(2_000);
  const full = diffStates(before, after);
  const fullBytes = utf8Length(JSON.stringify({ doc: full.doc, changes: full.changes }));

  it('leaves a diff that fits as it is', () => {
    const bounded = boundDiff(full.doc, full.changes, fullBytes * 2);
    expect(bounded.doc).toBe(full.doc);
    expect(bounded.changes).toEqual(full.changes);
    expect(bounded.hidden).toEqual([]);
    expect(bounded.truncated).toBeNull();
  });

  it('hides long runs of unchanged blocks, keeping context, with changes still on their text', () => {
    const bounded = boundDiff(full.doc, full.changes, 20_000);
    expect(bounded.truncated).toBeNull();
    expect(responseBytes(bounded)).toBeLessThanOrEqual(20_000);
    // Three changed blocks with three blocks of context on each side.
    expect(bounded.doc.content).toHaveLength(3 * 7);
    expect(bounded.hidden.map((h) => h.index)).toEqual([0, 7, 14, 21]);
    const total = bounded.doc.content!.length + bounded.hidden.reduce((sum, h) => sum + h.blocks, 0);
    expect(total).toBe(full.doc.content!.length);
    const node = schema.nodeFromJSON(bounded.doc);
    const original = schema.nodeFromJSON(full.doc);
    expect(bounded.changes.map((c) => ({ type: c.type, text: c.text }))).toEqual(
      full.changes.map((c) => ({ type: c.type, text: c.text })),
    );
    for (const change of bounded.changes) {
      expect(node.textBetween(change.from, change.to, '\n')).toBe(change.text);
    }
    // Each block shown is the block of the full diff that the hidden runs say it is.
    originalIndexes(bounded).forEach((originalIndex, i) => {
      expect(node.child(i).textContent).toBe(original.child(originalIndex).textContent);
    });
    // A hidden run's position is the boundary before the block it precedes.
    for (const run of bounded.hidden) {
      let pos = 0;
      for (let i = 0; i < run.index; i++) pos += node.child(i).nodeSize;
      expect(run.pos).toBe(pos);
    }
  });

  it('cuts at a block boundary when hiding is not enough, and says what it left out', () => {
    const limit = 1_500;
    const bounded = boundDiff(full.doc, full.changes, limit);
    expect(responseBytes(bounded)).toBeLessThanOrEqual(limit);
    expect(bounded.truncated).not.toBeNull();
    const shown = bounded.doc.content!.length + bounded.hidden.reduce((sum, h) => sum + h.blocks, 0);
    expect(shown + bounded.truncated!.blocks).toBe(full.doc.content!.length);
    expect(bounded.changes.length + bounded.truncated!.changes).toBe(full.changes.length);
  });

  it('cuts before a first block that alone is too large', () => {
    const huge: NodeJSON = {
      type: 'doc',
      content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x'.repeat(50_000) }] }],
    };
    const change = { type: 'added' as const, from: 1, to: 50_001, block: false, text: 'x'.repeat(50_000), client: 1 };
    const bounded = boundDiff(huge, [change], 10_000);
    expect(bounded.doc.content).toEqual([]);
    expect(bounded.truncated).toEqual({ blocks: 1, changes: 1 });
  });
});

describe('jsonNodeSize and utf8Length', () => {
  it('measure as ProseMirror and UTF-8 do', () => {
    const json: NodeJSON = {
      type: 'doc',
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'héllo 😀' }, { type: 'hard_break' }] },
        { type: 'paragraph' },
        { type: 'horizontal_rule' },
      ],
    };
    expect(jsonNodeSize(json)).toBe(schema.nodeFromJSON(json).nodeSize);
    expect(utf8Length('héllo 😀')).toBe(new TextEncoder().encode('héllo 😀').length);
  });
});
