import { describe, expect, it } from 'vitest';
import { schema, type DiffChangeJSON } from '@tandem/crdt-bridge';
import { hiddenLabel, topBlocks, truncatedLabel } from './decorations.js';

const paragraph = (text: string) => schema.nodes.paragraph!.create(null, schema.text(text));

describe('numbering the blocks of a bounded diff', () => {
  it('counts hidden unchanged runs on both sides, and whole added or removed blocks only on theirs', () => {
    // Shown: a, [removed] b, c, then 5 hidden, then d.
    const doc = schema.nodes.doc!.create(null, [paragraph('a'), paragraph('b'), paragraph('c'), paragraph('d')]);
    const removedB: DiffChangeJSON = { type: 'removed', from: 3, to: 6, block: true, text: 'b', author: null };
    const hidden = [
      { index: 0, pos: 0, blocks: 10 },
      { index: 3, pos: 9, blocks: 5 },
    ];
    expect(topBlocks(doc, [removedB], 'target', hidden).map((b) => b.versionIndex)).toEqual([10, null, 11, 17]);
    expect(topBlocks(doc, [removedB], 'base', hidden).map((b) => b.versionIndex)).toEqual([10, 11, 12, 18]);
    expect(topBlocks(doc, [removedB], 'base').map((b) => b.versionIndex)).toEqual([0, 1, 2, 3]);
  });

  it('says what was left out in words', () => {
    expect(hiddenLabel(1)).toBe('1 unchanged paragraph hidden');
    expect(hiddenLabel(1200)).toBe('1,200 unchanged paragraphs hidden');
    expect(truncatedLabel({ blocks: 40, changes: 3 })).toBe(
      'This comparison is too large to show whole: its last 40 paragraphs, with 3 changes, are not shown.',
    );
    expect(truncatedLabel({ blocks: 1, changes: 0 })).toBe(
      'This comparison is too large to show whole: its last paragraph is not shown.',
    );
  });
});
