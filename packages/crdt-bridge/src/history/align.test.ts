import { describe, expect, it } from 'vitest';
import { alignBlocks, type AlignStep } from './align.js';

/** The steps as short words, e.g. "keep a", "edit b>B", "insert c", "delete d". */
function steps(from: string[], to: string[]): string[] {
  return alignBlocks(from, to).map((s: AlignStep) =>
    s.op === 'insert'
      ? `insert ${to[s.to]}`
      : s.op === 'delete'
        ? `delete ${from[s.from]}`
        : s.op === 'keep'
          ? `keep ${from[s.from]}`
          : `edit ${from[s.from]}>${to[s.to]}`,
  );
}

describe('aligning blocks for a restore', () => {
  it('inserts a block put back between two alike, keeping every other block, empty lines included', () => {
    expect(steps(['intro', 'gamma', 'gamma', '', ''], ['intro', 'gamma', 'careful', 'gamma', '', ''])).toEqual([
      'keep intro',
      'keep gamma',
      'insert careful',
      'keep gamma',
      'keep ',
      'keep ',
    ]);
  });

  it('edits a changed block in place and deletes one that the version lacks', () => {
    expect(steps(['a', 'b', 'x', 'c', 'd'], ['a', 'B', 'c', 'd'])).toEqual([
      'keep a',
      'edit b>B',
      'delete x',
      'keep c',
      'keep d',
    ]);
  });

  it('keeps blocks that moved past a change only where they still stand in order', () => {
    expect(steps(['a', 'b', 'c'], ['c', 'a', 'b'])).toEqual(['insert c', 'keep a', 'keep b', 'delete c']);
    expect(steps([], ['a'])).toEqual(['insert a']);
    expect(steps(['a'], [])).toEqual(['delete a']);
  });
});
