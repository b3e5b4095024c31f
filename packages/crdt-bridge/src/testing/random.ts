/** A seeded source of randomness, so a failing randomized test can be replayed from its seed. */
export interface Random {
  /** The seed this generator started from (print it when a test fails). */
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, max); `max` must be a positive integer. */
  int(max: number): number;
  /** An integer in [min, max], both included. */
  between(min: number, max: number): number;
  /** True with the given probability. */
  chance(probability: number): boolean;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** A short lowercase word (1 to `maxLength` letters), sometimes with a space or a non-ASCII letter. */
  word(maxLength?: number): string;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz    éü✓';

/** A seeded generator (mulberry32: tiny, fast, and good enough for test data). */
export function createRandom(seed: number): Random {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (max: number): number => {
    if (!Number.isInteger(max) || max <= 0) throw new RangeError(`max must be a positive integer, got ${max}`);
    return Math.floor(next() * max);
  };
  return {
    seed,
    next,
    int,
    between: (min, max) => min + int(max - min + 1),
    chance: (probability) => next() < probability,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('cannot pick from an empty array');
      return items[int(items.length)]!;
    },
    word(maxLength = 6) {
      let out = '';
      const length = 1 + int(maxLength);
      for (let i = 0; i < length; i++) out += LETTERS[int(LETTERS.length)];
      return out;
    },
  };
}
