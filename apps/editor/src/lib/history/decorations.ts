import type { Node as PMNode } from 'prosemirror-model';
import { Decoration, DecorationSet } from 'prosemirror-view';
import type { DiffChangeJSON, DiffHiddenRun, DiffTruncation } from '@tandem/crdt-bridge';
import { colorFor } from './format.js';

/** Words for a change, for tooltips and screen readers. */
export function changeLabel(change: DiffChangeJSON): string {
  const what = change.type === 'added' ? 'Added' : change.type === 'removed' ? 'Deleted' : 'Changed';
  return change.author ? `${what} by ${change.author}` : what;
}

/** "3 unchanged paragraphs hidden", for a run of blocks a large diff left out. */
export function hiddenLabel(blocks: number): string {
  return `${blocks.toLocaleString('en')} unchanged paragraph${blocks === 1 ? '' : 's'} hidden`;
}

/** What a diff too large to show whole left out at its end, in words. */
export function truncatedLabel(truncated: DiffTruncation): string {
  const { blocks, changes } = truncated;
  const what = blocks === 1 ? 'its last paragraph' : `its last ${blocks.toLocaleString('en')} paragraphs`;
  const withChanges = changes > 0 ? `, with ${changes.toLocaleString('en')} change${changes === 1 ? '' : 's'},` : '';
  return `This comparison is too large to show whole: ${what}${withChanges} ${blocks === 1 ? 'is' : 'are'} not shown.`;
}

/** A line in the preview standing for what a large diff left out; text only, read out like any paragraph. */
function omissionLine(text: string, testId: string): HTMLElement {
  const line = document.createElement('p');
  line.className = 'history-omitted';
  line.dataset.testid = testId;
  line.textContent = text;
  return line;
}

/**
 * Decorations that colour a diff's changes by author, mark the block chosen for a
 * partial restore, and stand in for the unchanged runs a large diff left out (and for
 * its cut end, if any).
 */
export function changeDecorations(
  doc: PMNode,
  changes: readonly DiffChangeJSON[],
  colors: Record<string, string | null>,
  selectedBlockPos: number | null,
  hidden: readonly DiffHiddenRun[] = [],
  truncated: DiffTruncation | null = null,
): DecorationSet {
  const decorations: Decoration[] = [];
  for (const run of hidden) {
    if (run.pos < 0 || run.pos > doc.content.size) continue;
    decorations.push(
      Decoration.widget(run.pos, () => omissionLine(hiddenLabel(run.blocks), 'history-hidden'), {
        side: -1,
        key: `hidden-${run.index}-${run.blocks}`,
        ignoreSelection: true,
      }),
    );
  }
  if (truncated) {
    decorations.push(
      Decoration.widget(doc.content.size, () => omissionLine(truncatedLabel(truncated), 'history-truncated-end'), {
        side: 1,
        key: `truncated-${truncated.blocks}-${truncated.changes}`,
        ignoreSelection: true,
      }),
    );
  }
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
 * are not in the version and cannot be restored from it, and the unchanged runs a large
 * diff left out (`hidden`, in both versions) count before the block they preceded.
 */
export function topBlocks(
  doc: PMNode,
  changes: readonly DiffChangeJSON[],
  previewedSide: 'base' | 'target',
  hidden: readonly DiffHiddenRun[] = [],
): TopBlock[] {
  const foreign = previewedSide === 'target' ? 'removed' : 'added';
  const notInVersion = new Set(changes.filter((c) => c.block && c.type === foreign).map((c) => c.from));
  const hiddenBefore = new Map<number, number>();
  for (const run of hidden) hiddenBefore.set(run.index, (hiddenBefore.get(run.index) ?? 0) + run.blocks);
  const blocks: TopBlock[] = [];
  let index = 0;
  doc.forEach((node, offset, i) => {
    index += hiddenBefore.get(i) ?? 0;
    const inVersion = !notInVersion.has(offset);
    blocks.push({ pos: offset, versionIndex: inVersion ? index++ : null, text: node.textContent });
  });
  return blocks;
}
