import type { EditorState } from 'prosemirror-state';
import { yUndoPluginKey } from 'y-prosemirror';

/**
 * Runs `change` as an undo step of its own. y-prosemirror's undo manager merges changes made
 * within half a second of each other; a discrete action (align, replace all) must not be
 * merged with the typing or the action just before or after it.
 */
export function asOwnUndoStep<T>(state: EditorState, change: () => T): T {
  const undoManager = yUndoPluginKey.getState(state)?.undoManager as { stopCapturing(): void } | undefined;
  undoManager?.stopCapturing();
  const result = change();
  undoManager?.stopCapturing();
  return result;
}
