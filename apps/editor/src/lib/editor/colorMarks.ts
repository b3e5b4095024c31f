import type { MarkType } from 'prosemirror-model';
import type { Command, EditorState } from 'prosemirror-state';
import { schema } from '@tandem/crdt-bridge';

/** The two palette marks: text colour and highlight. */
export type ColorKind = 'color' | 'highlight';

function markType(kind: ColorKind): MarkType {
  return schema.marks[kind]!;
}

/**
 * Gives the selection the colour `name` of `kind`, or removes it (null). With a bare
 * caret, the colour applies to what is typed next, as bold does.
 */
export function setColor(kind: ColorKind, name: string | null): Command {
  return (state, dispatch) => {
    const type = markType(kind);
    const { empty, from, to, $from } = state.selection;
    if (empty) {
      if (dispatch) {
        const marks = type.removeFromSet(state.storedMarks ?? $from.marks());
        dispatch(state.tr.setStoredMarks(name === null ? marks : type.create({ color: name }).addToSet(marks)));
      }
      return true;
    }
    if (dispatch) {
      const tr = state.tr.removeMark(from, to, type);
      if (name !== null) tr.addMark(from, to, type.create({ color: name }));
      dispatch(tr.scrollIntoView());
    }
    return true;
  };
}

/**
 * The colour name of `kind` at the caret or shared by the whole selection; null when there
 * is none, 'mixed' when the selection holds more than one.
 */
export function currentColor(state: EditorState, kind: ColorKind): string | null {
  const type = markType(kind);
  const { empty, from, to, $from } = state.selection;
  if (empty) return (type.isInSet(state.storedMarks ?? $from.marks())?.attrs.color as string | undefined) ?? null;
  const seen = new Set<string | null>();
  state.doc.nodesBetween(from, to, (node) => {
    if (node.isText) seen.add((type.isInSet(node.marks)?.attrs.color as string | undefined) ?? null);
  });
  if (seen.size === 0) return null;
  return seen.size === 1 ? [...seen][0]! : 'mixed';
}
