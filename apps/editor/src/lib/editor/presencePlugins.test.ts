import { EditorState, TextSelection } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { ySyncPlugin, ySyncPluginKey } from 'y-prosemirror';
import * as Y from 'yjs';
import { schema } from '@tandem/crdt-bridge';
import { ownCaretUnmoved } from './presencePlugins.js';

function start(): EditorState {
  const fragment = new Y.Doc().getXmlFragment('prosemirror');
  const doc = schema.node('doc', null, [schema.node('paragraph', null, [schema.text('hello world')])]);
  return EditorState.create({ doc, plugins: [ySyncPlugin(fragment)] });
}

describe('ownCaretUnmoved (when the caret sent to others need not be computed again)', () => {
  it('holds for a transaction that changes neither the document nor the selection (a remote caret moved)', () => {
    const state = start();
    expect(ownCaretUnmoved(state.apply(state.tr.setMeta('x', 1)), state)).toBe(true);
  });

  it("holds for a collaborator's change, which keeps the caret at its relative position", () => {
    const state = start();
    const next = state.apply(state.tr.insertText('!', 1).setMeta(ySyncPluginKey, { isChangeOrigin: true }));
    expect(ownCaretUnmoved(next, state)).toBe(true);
  });

  it('does not hold for this person typing or moving the caret, or for their undo', () => {
    const state = start();
    expect(ownCaretUnmoved(state.apply(state.tr.insertText('!', 1)), state)).toBe(false);
    expect(ownCaretUnmoved(state.apply(state.tr.setSelection(TextSelection.create(state.doc, 3))), state)).toBe(false);
    const undo = state.tr
      .insertText('!', 1)
      .setMeta(ySyncPluginKey, { isChangeOrigin: true, isUndoRedoOperation: true });
    expect(ownCaretUnmoved(state.apply(undo), state)).toBe(false);
  });
});
