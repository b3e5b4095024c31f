import { describe, expect, it } from 'vitest';
import { createRandom } from './random.js';

function sequence(seed: number, length = 20): number[] {
  const random = createRandom(seed);
  return Array.from({ length }, () => random.next());
}

describe('createRandom', () => {
  it('repeats itself exactly for the same seed, so failures can be replayed', () => {
    expect(sequence(123)).toEqual(sequence(123));
  });

  it('gives different sequences for different seeds', () => {
    expect(sequence(1)).not.toEqual(sequence(2));
  });

  it('stays within the requested ranges and reaches both ends of between()', () => {
    const random = createRandom(5);
    const seen = new Set<number>();
    for (let i = 0; i < 2_000; i++) {
      const f = random.next();
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThan(1);
      const n = random.between(3, 6);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(6);
      seen.add(n);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });

  it('makes words of 1 to maxLength characters', () => {
    const random = createRandom(9);
    for (let i = 0; i < 500; i++) {
      const word = random.word(4);
      expect(word.length).toBeGreaterThanOrEqual(1);
      expect(word.length).toBeLessThanOrEqual(4);
    }
  });

  it('refuses to misbehave quietly: bad seeds, bounds and empty picks throw', () => {
    expect(() => createRandom(1.5)).toThrow(RangeError);
    expect(() => createRandom(1).int(0)).toThrow(RangeError);
    expect(() => createRandom(1).pick([])).toThrow(RangeError);
  });
});
