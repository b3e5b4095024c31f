/**
 * One step of turning a list of blocks into another: keep a block (equal on both sides),
 * edit one in place, delete one, or insert one. Indexes are into the two lists.
 */
export type AlignStep =
  | { op: 'keep'; from: number; to: number }
  | { op: 'edit'; from: number; to: number }
  | { op: 'delete'; from: number }
  | { op: 'insert'; to: number };

/** Above this many cells (blocks changed × blocks changed) the middle is paired in order rather than matched. */
const MAX_MATCH_CELLS = 4_000_000;

/**
 * How to turn the blocks `from` into the blocks `to` (each given by a key: equal keys,
 * equal blocks) touching as few as possible: equal runs at both ends are kept, the
 * longest common run of equal blocks in between is kept too, and what lies between kept
 * blocks is edited in place pairwise, the rest deleted or inserted. Steps come in
 * document order. Time linear at the ends, quadratic only in the changed middle (bounded).
 */
export function alignBlocks(from: readonly string[], to: readonly string[]): AlignStep[] {
  let left = 0;
  while (left < from.length && left < to.length && from[left] === to[left]) left++;
  let right = 0;
  while (
    right < from.length - left &&
    right < to.length - left &&
    from[from.length - 1 - right] === to[to.length - 1 - right]
  )
    right++;
  const steps: AlignStep[] = [];
  for (let i = 0; i < left; i++) steps.push({ op: 'keep', from: i, to: i });
  const a = from.length - left - right;
  const b = to.length - left - right;
  const matches = a * b <= MAX_MATCH_CELLS ? commonRun(from, to, left, a, b) : [];
  let i = left;
  let j = left;
  for (const [mi, mj] of [...matches, [left + a, left + b] as const]) {
    // Between two kept blocks: edit pairwise, then delete or insert what is left over.
    while (i < mi && j < mj) steps.push({ op: 'edit', from: i++, to: j++ });
    while (i < mi) steps.push({ op: 'delete', from: i++ });
    while (j < mj) steps.push({ op: 'insert', to: j++ });
    if (mi < left + a) steps.push({ op: 'keep', from: i++, to: j++ });
  }
  for (let k = 0; k < right; k++) steps.push({ op: 'keep', from: left + a + k, to: left + b + k });
  return steps;
}

/** Index pairs of a longest common subsequence of `from[offset, offset+a)` and `to[offset, offset+b)`. */
function commonRun(
  from: readonly string[],
  to: readonly string[],
  offset: number,
  a: number,
  b: number,
): [number, number][] {
  if (a === 0 || b === 0) return [];
  // lengths[i][j]: the longest common run of from[i..] and to[j..] (within the middle).
  const width = b + 1;
  const lengths = new Uint32Array((a + 1) * width);
  for (let i = a - 1; i >= 0; i--) {
    for (let j = b - 1; j >= 0; j--) {
      lengths[i * width + j] =
        from[offset + i] === to[offset + j]
          ? lengths[(i + 1) * width + j + 1]! + 1
          : Math.max(lengths[(i + 1) * width + j]!, lengths[i * width + j + 1]!);
    }
  }
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a && j < b) {
    if (from[offset + i] === to[offset + j]) {
      pairs.push([offset + i++, offset + j++]);
    } else if (lengths[(i + 1) * width + j]! >= lengths[i * width + j + 1]!) i++;
    else j++;
  }
  return pairs;
}
