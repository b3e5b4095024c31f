import { lift, setBlockType, toggleMark, wrapIn } from 'prosemirror-commands';
import type { MarkType, NodeType } from 'prosemirror-model';
import { liftListItem, wrapInList } from 'prosemirror-schema-list';
import type { Command, EditorState } from 'prosemirror-state';
import { schema } from '@tandem/crdt-bridge';

const { nodes, marks } = schema;

/** Whether `type` is active across the selection (or in the stored marks at the cursor). */
export function markActive(state: EditorState, type: MarkType): boolean {
  const { from, $from, to, empty } = state.selection;
  if (empty) return !!type.isInSet(state.storedMarks ?? $from.marks());
  return state.doc.rangeHasMark(from, to, type);
}

/** Whether the selection's innermost textblock is `type` with `attrs`. */
export function blockActive(state: EditorState, type: NodeType, attrs: Record<string, unknown> = {}): boolean {
  const { $from, to } = state.selection;
  if (to > $from.end()) return false;
  const parent = $from.parent;
  return parent.type === type && Object.entries(attrs).every(([k, v]) => parent.attrs[k] === v);
}

/** Whether the selection sits inside a node of `type` (e.g. a list or blockquote). */
export function insideNode(state: EditorState, type: NodeType): boolean {
  const { $from } = state.selection;
  for (let depth = $from.depth; depth > 0; depth--) if ($from.node(depth).type === type) return true;
  return false;
}

/** Toggles a textblock type: applies it, or turns the block back into a paragraph. */
export function toggleBlock(type: NodeType, attrs: Record<string, unknown> = {}): Command {
  return (state, dispatch) =>
    blockActive(state, type, attrs)
      ? setBlockType(nodes.paragraph!)(state, dispatch)
      : setBlockType(type, attrs)(state, dispatch);
}

/** Toggles a list: wraps the selection in it, lifts out of it, or converts another list kind. */
export function toggleList(listType: NodeType, itemType: NodeType): Command {
  return (state, dispatch, view) => {
    const { $from } = state.selection;
    for (let depth = $from.depth; depth > 0; depth--) {
      const node = $from.node(depth);
      if (node.type === listType) return liftListItem(itemType)(state, dispatch, view);
      if (node.type === nodes.bullet_list || node.type === nodes.ordered_list || node.type === nodes.task_list) {
        if (node.type.contentMatch.defaultType !== itemType) {
          // Different item type (task vs plain): lift out, then wrap in the new kind.
          return liftListItem(node.type.contentMatch.defaultType!)(state, dispatch, view);
        }
        if (dispatch) dispatch(state.tr.setNodeMarkup($from.before(depth), listType));
        return true;
      }
    }
    return wrapInList(listType)(state, dispatch, view);
  };
}

/** Toggles a blockquote around the selection. */
export const toggleBlockquote: Command = (state, dispatch) =>
  insideNode(state, nodes.blockquote!) ? lift(state, dispatch) : wrapIn(nodes.blockquote!)(state, dispatch);

/** Inserts a hard line break. */
export const insertHardBreak: Command = (state, dispatch) => {
  if (dispatch) dispatch(state.tr.replaceSelectionWith(nodes.hard_break!.create()).scrollIntoView());
  return true;
};

export const toggleBold = toggleMark(marks.bold!);
export const toggleItalic = toggleMark(marks.italic!);
export const toggleUnderline = toggleMark(marks.underline!);
export const toggleStrike = toggleMark(marks.strike!);
export const toggleCode = toggleMark(marks.code!);
export { insertHorizontalRule } from './divider.js';

/** Ticks or unticks the task item holding the cursor; not applicable (false) outside a task. */
export const toggleTaskAtCaret: Command = (state, dispatch) => {
  const { $from } = state.selection;
  for (let depth = $from.depth; depth > 0; depth--) {
    const node = $from.node(depth);
    if (node.type !== nodes.task_item) continue;
    if (dispatch) dispatch(state.tr.setNodeAttribute($from.before(depth), 'checked', !node.attrs.checked));
    return true;
  }
  return false;
};
