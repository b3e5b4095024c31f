import { Selection, type Command } from 'prosemirror-state';
import { fixTables } from 'prosemirror-tables';

/**
 * Runs a prosemirror-tables command on tables repaired first, in one transaction. A merge
 * of concurrent edits can leave a table ragged (rows of different lengths) until someone
 * edits it (see `collabTableEditing`); the table commands assume a sound table and, run on
 * a ragged one, write cells in the wrong places and even zero spans.
 */
export function onSoundTables(command: Command): Command {
  return (state, dispatch, view) => {
    const repair = fixTables(state);
    if (!repair) return command(state, dispatch, view);
    const repaired = state.apply(repair);
    return command(
      repaired,
      dispatch &&
        ((tr) => {
          for (const step of tr.steps) repair.step(step);
          // The command's selection lives in its own (equal) document: rebuild it in ours.
          repair.setSelection(Selection.fromJSON(repair.doc, tr.selection.toJSON()));
          if (tr.scrolledIntoView) repair.scrollIntoView();
          dispatch(repair);
        }),
      view,
    );
  };
}
