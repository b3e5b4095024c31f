import type { Node as PMNode } from 'prosemirror-model';
import type { Command, EditorState } from 'prosemirror-state';
import type { Alignment } from '@tandem/crdt-bridge';
import { asOwnUndoStep } from './undoSteps.js';

/** The textblocks of the selection that can be aligned (paragraphs and headings), with positions. */
function alignableBlocks(state: EditorState): { node: PMNode; pos: number }[] {
  const blocks: { node: PMNode; pos: number }[] = [];
  const { from, to } = state.selection;
  state.doc.nodesBetween(from, to, (node, pos) => {
    if (node.isTextblock) {
      if ('align' in node.attrs) blocks.push({ node, pos });
      return false;
    }
    return true;
  });
  return blocks;
}

/** Aligns every paragraph and heading the selection touches, as one undo step (null: back to the start). */
export function setAlign(align: Alignment | null): Command {
  return (state, dispatch) => {
    const blocks = alignableBlocks(state);
    if (blocks.length === 0) return false;
    if (dispatch) {
      const tr = state.tr;
      for (const { node, pos } of blocks) if (node.attrs.align !== align) tr.setNodeAttribute(pos, 'align', align);
      asOwnUndoStep(state, () => dispatch(tr.scrollIntoView()));
    }
    return true;
  };
}

/** Whether every alignable block in the selection has `align` (null: the default). */
export function alignActive(state: EditorState, align: Alignment | null): boolean {
  const blocks = alignableBlocks(state);
  return blocks.length > 0 && blocks.every(({ node }) => (node.attrs.align ?? null) === align);
}
