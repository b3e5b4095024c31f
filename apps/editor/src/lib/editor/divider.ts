import type { Node as PMNode } from 'prosemirror-model';
import { NodeSelection, TextSelection, type Command, type Transaction } from 'prosemirror-state';
import { schema } from '@tandem/crdt-bridge';

const { nodes } = schema;

/**
 * Puts the caret in the textblock after the divider at `pos`, adding an empty paragraph
 * when the divider ends its container or a non-textblock (a list, another divider) follows.
 * A divider left selected would be replaced by the next character typed.
 */
export function caretAfterDivider(tr: Transaction, pos: number): Transaction {
  const end = pos + 1;
  const $end = tr.doc.resolve(end);
  if (!$end.nodeAfter?.isTextblock) {
    if (!$end.parent.canReplaceWith($end.index(), $end.index(), nodes.paragraph!)) return tr;
    tr.insert(end, nodes.paragraph!.create());
  }
  return tr.setSelection(TextSelection.create(tr.doc, end + 1));
}

/** The position of the first divider in `from..to` of `doc`, or null. */
function dividerWithin(doc: PMNode, from: number, to: number): number | null {
  let found: number | null = null;
  doc.nodesBetween(from, Math.min(to, doc.content.size), (node, pos) => {
    if (found !== null) return false;
    if (node.type === nodes.horizontal_rule) found = pos;
    return node.isBlock;
  });
  return found;
}

/** Replaces `from..to` with a divider and puts the caret after it. */
export function replaceWithDivider(tr: Transaction, from: number, to: number): Transaction {
  tr.replaceRangeWith(from, to, nodes.horizontal_rule!.create());
  const at = dividerWithin(tr.doc, tr.mapping.map(from, -1), tr.mapping.map(to, 1));
  return at === null ? tr : caretAfterDivider(tr, at);
}

/** Inserts a divider in place of the selection, with the caret after it. */
export const insertHorizontalRule: Command = (state, dispatch) => {
  if (!dispatch) return true;
  const tr = state.tr.replaceSelectionWith(nodes.horizontal_rule!.create());
  const { selection } = tr;
  const at =
    selection instanceof NodeSelection && selection.node.type === nodes.horizontal_rule
      ? selection.from
      : dividerWithin(tr.doc, tr.mapping.map(state.selection.from, -1), tr.mapping.map(state.selection.to, 1));
  dispatch((at === null ? tr : caretAfterDivider(tr, at)).scrollIntoView());
  return true;
};
