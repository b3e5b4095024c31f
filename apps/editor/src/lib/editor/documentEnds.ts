import { Selection, TextSelection, type Command } from 'prosemirror-state';

/**
 * Ctrl+Home / Ctrl+End (and with Shift, selecting) done by the editor rather than the browser:
 * top-level blocks far from the screen are skipped by `content-visibility: auto`, and Chrome's
 * own caret movement then stops short of the document's start or end.
 */
function toEnd(which: 'start' | 'end', extend: boolean): Command {
  return (state, dispatch) => {
    const { doc } = state;
    // A text position where there is one, so typing next never replaces an image at either end.
    const target =
      which === 'start'
        ? (Selection.findFrom(doc.resolve(0), 1, true) ?? Selection.atStart(doc))
        : (Selection.findFrom(doc.resolve(doc.content.size), -1, true) ?? Selection.atEnd(doc));
    if (dispatch) {
      const selection = extend ? TextSelection.between(state.selection.$anchor, target.$head) : target;
      dispatch(state.tr.setSelection(selection).scrollIntoView());
    }
    return true;
  };
}

/** Key bindings that move to (or select to) the document's start and end. */
export const DOCUMENT_END_KEYS: Record<string, Command> = {
  'Ctrl-Home': toEnd('start', false),
  'Ctrl-End': toEnd('end', false),
  'Shift-Ctrl-Home': toEnd('start', true),
  'Shift-Ctrl-End': toEnd('end', true),
};
