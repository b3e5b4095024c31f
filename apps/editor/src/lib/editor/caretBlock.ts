import { Plugin, type EditorState } from 'prosemirror-state';
import { Decoration, DecorationSet } from 'prosemirror-view';

/** The attribute that keeps a top-level block rendered (see `.tandem-doc > *` in global.css). */
export const CARET_BLOCK_ATTRIBUTE = 'data-caret-block';

/** Top-level indexes of the blocks that hold the ends of the selection (one when they are the same). */
function selectedBlocks(state: EditorState): number[] {
  const { $from, $to } = state.selection;
  const at = (index: number): number => Math.min(index, state.doc.childCount - 1);
  const first = at($from.index(0));
  const last = at($to.depth === 0 && $to.index(0) > first ? $to.index(0) - 1 : $to.index(0));
  return first === last ? [first] : [first, last];
}

/**
 * Marks the top-level blocks where the selection starts and ends, so the browser never skips
 * them as off-screen (`content-visibility: auto`). A block is only found to be on screen at the
 * next frame; until then Chromium treats a new one (just made by Enter) as skipped and does not
 * move the caret inside it, so keys typed before that frame landed in the wrong order.
 */
export function caretBlock(): Plugin {
  return new Plugin({
    props: {
      decorations(state) {
        if (state.doc.childCount === 0) return null;
        const { $from } = state.selection;
        const decorations = selectedBlocks(state).map((index) => {
          const start = $from.posAtIndex(index, 0);
          return Decoration.node(start, start + state.doc.child(index).nodeSize, { [CARET_BLOCK_ATTRIBUTE]: '' });
        });
        return DecorationSet.create(state.doc, decorations);
      },
    },
  });
}
