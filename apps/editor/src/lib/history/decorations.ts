import type { Node as PMNode } from 'prosemirror-model';
import { Decoration, DecorationSet } from 'prosemirror-view';
import type { Change } from './api.js';
import { colorFor } from './format.js';

/** Words for a change, for tooltips and screen readers. */
export function changeLabel(change: Change): string {
  const what = change.type === 'added' ? 'Added' : change.type === 'removed' ? 'Deleted' : 'Changed';
  return change.author ? `${what} by ${change.author}` : what;
}

/** Decorations that colour a diff's changes by author, and mark the block chosen for a partial restore. */
export function changeDecorations(
  doc: PMNode,
  changes: readonly Change[],
  colors: Record<string, string | null>,
  selectedBlockPos: number | null,
): DecorationSet {
  const decorations: Decoration[] = [];
  const size = doc.content.size;
  for (const change of changes) {
    if (change.from < 0 || change.to > size || change.from >= change.to) continue;
    const attrs = {
      class: `history-change history-${change.type}`,
      'data-change': change.type,
      title: changeLabel(change),
      ...(change.author ? { style: `--author-color: ${colorFor(change.author, colors)}` } : {}),
    };
    if (change.block) {
      // A node decoration must cover exactly one node; anything else is skipped rather than misdrawn.
      if (doc.nodeAt(change.from)?.nodeSize !== change.to - change.from) continue;
      decorations.push(Decoration.node(change.from, change.to, { ...attrs, class: `${attrs.class} history-block` }));
    } else {
      decorations.push(Decoration.inline(change.from, change.to, attrs));
    }
  }
  if (selectedBlockPos !== null) {
    const node = doc.nodeAt(selectedBlockPos);
    if (node) {
      decorations.push(
        Decoration.node(selectedBlockPos, selectedBlockPos + node.nodeSize, { class: 'history-block-selected' }),
      );
    }
  }
  return DecorationSet.create(doc, decorations);
}

/** A top-level block of a diff's merged document, and its index in the previewed version (null: not in it). */
export interface TopBlock {
  pos: number;
  versionIndex: number | null;
  text: string;
}

/**
 * The merged document's top-level blocks, numbered as the previewed version numbers
 * them: blocks only on the other side of the diff (added later, or removed before)
 * are not in the version and cannot be restored from it.
 */
export function topBlocks(doc: PMNode, changes: readonly Change[], previewedSide: 'base' | 'target'): TopBlock[] {
  const foreign = previewedSide === 'target' ? 'removed' : 'added';
  const notInVersion = new Set(changes.filter((c) => c.block && c.type === foreign).map((c) => c.from));
  const blocks: TopBlock[] = [];
  let index = 0;
  doc.forEach((node, offset) => {
    const inVersion = !notInVersion.has(offset);
    blocks.push({ pos: offset, versionIndex: inVersion ? index++ : null, text: node.textContent });
  });
  return blocks;
}
