import { schema } from '../schema/schema.js';
import type { DiffHiddenRun, DiffTruncation, NodeJSON } from './types.js';

/** What {@link boundDiff} needs of a change: where it is. */
interface Placed {
  from: number;
  to: number;
}

/** A diff cut down to a size: fewer top-level blocks, the changes moved to match, and what was left out. */
export interface BoundedDiff<T> {
  doc: NodeJSON;
  changes: T[];
  hidden: DiffHiddenRun[];
  truncated: DiffTruncation | null;
}

/** Options for {@link boundDiff}. */
export interface BoundOptions {
  /** Unchanged blocks kept on each side of a changed one (default 3). */
  context?: number;
  /** Bytes of the response besides the document and the changes (titles, stats, colours…). */
  otherBytes?: number;
}

/** Bytes of `text` in UTF-8, without encoding it. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4; // A surrogate pair: one code point, four bytes.
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** A node's size in ProseMirror positions, from its JSON. */
export function jsonNodeSize(node: NodeJSON): number {
  if (node.text !== undefined) return node.text.length;
  if (!node.content) return schema.nodes[node.type]?.isLeaf ? 1 : 2;
  let size = 2;
  for (const child of node.content) size += jsonNodeSize(child);
  return size;
}

/** Bytes one hidden run takes in JSON, rounded up. */
const HIDDEN_RUN_BYTES = 64;

/** Bytes a value takes in a JSON array (its text and a comma). */
function jsonBytes(value: unknown): number {
  return utf8Length(JSON.stringify(value)) + 1;
}

/** The index of the block holding position `pos`, given the blocks' start positions (ascending). */
function blockAt(starts: readonly number[], pos: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Cuts a diff (its merged document and its changes, in positions of that document) down
 * to at most `maxBytes` of JSON. A diff that fits is returned as it is. Otherwise runs of
 * unchanged top-level blocks are left out, keeping `context` blocks around each changed
 * one, and each run is described (where it was, how many blocks) so a reader can say
 * "N unchanged paragraphs hidden" and still number the blocks of either side; changes
 * are moved to the positions of the smaller document. If that is still too large, the
 * document is cut after the last top-level block that fits, and `truncated` says how many
 * blocks and changes were left out. Time linear in the diff's size.
 */
export function boundDiff<T extends Placed>(
  doc: NodeJSON,
  changes: readonly T[],
  maxBytes: number,
  options: BoundOptions = {},
): BoundedDiff<T> {
  const context = options.context ?? 3;
  const blocks = doc.content ?? [];
  const blockBytes = blocks.map(jsonBytes);
  const changeBytes = changes.map(jsonBytes);
  // The envelope: the document's own braces and keys, the arrays, the fields for what was left out.
  const fixed = (options.otherBytes ?? 0) + 128;
  const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
  const unchanged: BoundedDiff<T> = { doc, changes: [...changes], hidden: [], truncated: null };
  if (fixed + sum(blockBytes) + sum(changeBytes) <= maxBytes) return unchanged;

  const starts: number[] = [];
  const sizes: number[] = [];
  let pos = 0;
  for (const block of blocks) {
    const size = jsonNodeSize(block);
    starts.push(pos);
    sizes.push(size);
    pos += size;
  }
  const changeBlock = changes.map((c) => (blocks.length > 0 ? blockAt(starts, c.from) : 0));

  // Keep every block within `context` of a changed one.
  const keep = new Array<boolean>(blocks.length).fill(false);
  for (const index of new Set(changeBlock)) {
    for (let i = Math.max(0, index - context); i <= Math.min(blocks.length - 1, index + context); i++) keep[i] = true;
  }

  /** Kept blocks, and by how much positions inside each move back once the runs before it are left out. */
  const kept: { index: number; shift: number }[] = [];
  const hidden: DiffHiddenRun[] = [];
  let shift = 0;
  for (let i = 0; i < blocks.length; i++) {
    if (keep[i]) {
      kept.push({ index: i, shift });
      continue;
    }
    const last = hidden.at(-1);
    if (last && last.index === kept.length) last.blocks++;
    else hidden.push({ index: kept.length, pos: starts[i]! - shift, blocks: 1 });
    shift += sizes[i]!;
  }
  const shiftOf = new Map(kept.map((k) => [k.index, k.shift] as const));
  const moved = changes.map((change, j) => {
    const by = shiftOf.get(changeBlock[j]!) ?? 0;
    return { ...change, from: change.from - by, to: change.to - by };
  });

  // Still too large: cut before the first kept block (with its changes) that does not fit.
  const changesOf = new Map<number, number[]>();
  changeBlock.forEach((index, j) => {
    const list = changesOf.get(index);
    if (list) list.push(j);
    else changesOf.set(index, [j]);
  });
  const runsBefore = new Map<number, number>();
  for (const run of hidden) runsBefore.set(run.index, (runsBefore.get(run.index) ?? 0) + 1);
  let budget = maxBytes - fixed;
  let shown = kept.length;
  for (let k = 0; k < kept.length; k++) {
    const block = kept[k]!.index;
    let cost = blockBytes[block]! + HIDDEN_RUN_BYTES * (runsBefore.get(k) ?? 0);
    for (const j of changesOf.get(block) ?? []) cost += changeBytes[j]!;
    if (cost > budget) {
      shown = k;
      break;
    }
    budget -= cost;
  }
  const content = kept.slice(0, shown).map((k) => blocks[k.index]!);
  if (shown === kept.length) return { doc: { ...doc, content }, changes: moved, hidden, truncated: null };
  const shownBlocks = new Set(kept.slice(0, shown).map((k) => k.index));
  const keptChanges = moved.filter((_, j) => shownBlocks.has(changeBlock[j]!));
  // Everything after the last block shown is left out, hidden runs included.
  const lastShown = shown > 0 ? kept[shown - 1]!.index : -1;
  return {
    doc: { ...doc, content },
    changes: keptChanges,
    hidden: hidden.filter((run) => run.index < shown),
    truncated: { blocks: blocks.length - lastShown - 1, changes: changes.length - keptChanges.length },
  };
}
