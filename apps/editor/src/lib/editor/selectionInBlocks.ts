import type { Node } from 'prosemirror-model';
import { Plugin, type EditorState } from 'prosemirror-state';
import { updateYFragment, ySyncPluginKey, yUndoPlugin, type ProsemirrorBinding } from 'y-prosemirror';
import * as Y from 'yjs';
import { BlockMapping, relativeSelectionInBlocks } from './blockPositions.js';
import { changesInBlocks } from './remoteChanges.js';

/** The binding of the sync plugin in `state`; throws when there is none. */
export function bindingOf(state: EditorState): ProsemirrorBinding {
  const binding = (ySyncPluginKey.getState(state) as { binding?: ProsemirrorBinding } | undefined)?.binding;
  if (!binding) throw new Error('needs the ySyncPlugin');
  return binding;
}

/**
 * Gives the binding in `state` a {@link BlockMapping} (before its view exists, so every node it
 * renders from here on is recorded both ways).
 */
export function useBlockMapping(state: EditorState): void {
  const binding = bindingOf(state);
  if (!(binding.mapping instanceof BlockMapping)) binding.mapping = new BlockMapping(binding.mapping);
}

/**
 * Writes this person's change to Yjs as y-prosemirror's `updateYFragment(doc)` does when it changed
 * one top-level block and nothing else: theirs lists the whole fragment and compares every block
 * from both ends to find it; with the document both sides agreed on (`before`) the block is found by
 * node identity, and theirs is run on that block alone, the step the whole comparison comes down
 * to (same element name: updated in place). False, having written nothing, in every other case.
 */
export function writeOneBlock(binding: ProsemirrorBinding, before: Node, after: Node): boolean {
  const { mapping } = binding;
  const count = after.childCount;
  if (before === after || !(mapping instanceof BlockMapping) || before.childCount !== count) return false;
  if (binding.type.length !== count) return false;
  let changed = -1;
  for (let i = 0; i < count; i++) {
    if (before.child(i) === after.child(i)) continue;
    if (changed !== -1) return false;
    changed = i;
  }
  if (changed === -1) return false;
  const type = mapping.typeOf(before.child(changed));
  const node = after.child(changed);
  if (!(type instanceof Y.XmlElement) || type.nodeName !== node.type.name) return false;
  if (type._item === null || type._item.parent !== binding.type || type._item.deleted) return false;
  updateYFragment(binding.doc, type, node, binding);
  // As theirs: the fragment maps to the document it was last written from.
  mapping.set(binding.type, after);
  return true;
}

/**
 * Makes the binding turn the selection into relative positions one block at a time
 * ({@link relativeSelectionInBlocks}) where y-prosemirror 1.3.7 walks from the start of the document:
 * before every Yjs transaction (`beforeAllTransactions`, an instance field, so it is swapped on the
 * document's listeners) and after writing this person's change (`_prosemirrorChanged`). Goes right
 * after the sync plugin: its view update marks the document both sides agree on. While the view's
 * document is ahead of that, the sync plugin is writing this person's change, and the selection is
 * not taken before its transaction: the write takes it again at its end (and the block lookup would
 * miss, the mapping still describing the document before).
 */
export function selectionInBlocks(): Plugin {
  return new Plugin({
    view(view) {
      const binding = bindingOf(view.state);
      let synced = view.state.doc;
      binding.doc.off('beforeAllTransactions', binding.beforeAllTransactions);
      binding.beforeAllTransactions = () => {
        const state = binding.prosemirrorView?.state as EditorState | undefined;
        if (binding.beforeTransactionSelection !== null || state === undefined || state.doc !== synced) return;
        binding.beforeTransactionSelection = relativeSelectionInBlocks(binding, state);
      };
      binding.doc.on('beforeAllTransactions', binding.beforeAllTransactions);
      // The binding registered its observer when its view was made (the sync plugin's, before this one).
      binding.type.unobserveDeep(binding._observeFunction);
      binding._observeFunction = changesInBlocks(binding);
      binding.type.observeDeep(binding._observeFunction);
      binding._prosemirrorChanged = (doc) => {
        binding.doc.transact(() => {
          if (!writeOneBlock(binding, synced, doc)) updateYFragment(binding.doc, binding.type, doc, binding);
          binding.beforeTransactionSelection = relativeSelectionInBlocks(binding, binding.prosemirrorView.state);
        }, ySyncPluginKey);
      };
      return {
        update(v) {
          synced = v.state.doc;
        },
      };
    },
  });
}

/** The undo plugin's state, as y-prosemirror 1.3.7 keeps it. */
interface UndoState {
  undoManager: Y.UndoManager;
  prevSel: unknown;
  hasUndoOps: boolean;
  hasRedoOps: boolean;
}

/**
 * y-prosemirror's undo plugin, except that the selection it keeps for each undo step (`prevSel`,
 * taken before every transaction, others' included) is found one block at a time.
 */
export function undoPlugin(): Plugin {
  const plugin = yUndoPlugin();
  const field = plugin.spec.state!;
  return new Plugin({
    ...plugin.spec,
    state: {
      init: field.init,
      apply: (tr, value: UndoState, oldState, state) => {
        const binding = (ySyncPluginKey.getState(state) as { binding?: ProsemirrorBinding } | undefined)?.binding;
        if (!binding) return field.apply(tr, value, oldState, state) as UndoState;
        const { undoManager } = value;
        return {
          undoManager,
          prevSel: relativeSelectionInBlocks(binding, oldState),
          hasUndoOps: undoManager.undoStack.length > 0,
          hasRedoOps: undoManager.redoStack.length > 0,
        };
      },
    },
  });
}
