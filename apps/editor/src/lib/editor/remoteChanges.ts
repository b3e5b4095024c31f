import { Fragment, Slice } from 'prosemirror-model';
import { AllSelection, NodeSelection, TextSelection, type Transaction } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';
import { ySyncPluginKey, type ProsemirrorBinding } from 'y-prosemirror';
import type * as Y from 'yjs';
import { absolutePositionInBlock, type relativeSelectionInBlocks } from './blockPositions.js';

type RelativeSelection = ReturnType<typeof relativeSelectionInBlocks>;

/** Puts the selection taken before a remote change back, finding each end one block at a time. */
export function restoreSelectionInBlocks(tr: Transaction, sel: RelativeSelection | null, binding: ProsemirrorBinding) {
  if (sel === null || sel.anchor === null || sel.head === null) return;
  const at = (pos: Y.RelativePosition) =>
    absolutePositionInBlock(binding.doc, binding.type, pos, binding.mapping, tr.doc);
  if (sel.type === 'all') {
    tr.setSelection(new AllSelection(tr.doc));
  } else if (sel.type === 'node') {
    // As y-prosemirror: a node selection whose node is gone throws there too.
    tr.setSelection(NodeSelection.create(tr.doc, at(sel.anchor)!));
  } else {
    const anchor = at(sel.anchor);
    const head = at(sel.head);
    if (anchor !== null && head !== null)
      tr.setSelection(TextSelection.between(tr.doc.resolve(anchor), tr.doc.resolve(head)));
  }
}

/**
 * `rendered` (y-prosemirror's transaction, which replaces the whole document with the rebuilt
 * blocks) as a transaction that replaces only the top-level blocks that are not the same nodes as
 * before. The document it makes is the same; plugins then map their decorations through a small
 * step instead of losing them all. Null when it is not that kind of transaction.
 */
function replaceOnlyChangedBlocks(view: EditorView, rendered: Transaction): Transaction | null {
  const before = view.state.doc;
  // One step, from a document equal to this one: the whole replacement (checked by its result below).
  if (rendered.steps.length !== 1 || rendered.before !== before) return null;
  const after = rendered.doc;
  const [oldCount, newCount] = [before.childCount, after.childCount];
  let start = 0;
  let from = 0;
  while (start < oldCount && start < newCount && before.child(start) === after.child(start))
    from += before.child(start++).nodeSize;
  let same = 0;
  let to = before.content.size;
  while (
    same < Math.min(oldCount, newCount) - start &&
    before.child(oldCount - 1 - same) === after.child(newCount - 1 - same)
  )
    to -= before.child(oldCount - 1 - same++).nodeSize;
  const blocks: ReturnType<typeof after.child>[] = [];
  for (let i = start; i < newCount - same; i++) blocks.push(after.child(i));
  const tr = view.state.tr.setMeta('addToHistory', false);
  tr.replace(from, to, new Slice(Fragment.from(blocks), 0, 0));
  if (!tr.doc.eq(after)) return null;
  return tr.setMeta(ySyncPluginKey, rendered.getMeta(ySyncPluginKey));
}

/**
 * Runs y-prosemirror's `_typeChanged` (pinned at 1.3.7; it rebuilds the blocks Yjs changed, reusing
 * the rest) and then dispatches what it built differently: only the changed top-level blocks
 * replaced, and the selection put back one block at a time ({@link restoreSelectionInBlocks}) where
 * theirs walks from the start of the document per end. The function is private to the binding, so
 * its view is swapped for the call: the selection it would restore is hidden from it, and its
 * dispatch is caught (still inside its mutex, so the change is not written back to Yjs).
 */
export function changesInBlocks(
  binding: ProsemirrorBinding,
): (events: Y.YEvent<Y.XmlFragment>[], tr: Y.Transaction) => void {
  const typeChanged = binding._typeChanged.bind(binding);
  return (events, transaction) => {
    const view = binding.prosemirrorView as EditorView | null;
    if (view == null) return;
    // y-prosemirror's typings say the selection is never null; it is between transactions.
    const held = binding as unknown as { beforeTransactionSelection: RelativeSelection | null };
    const selection = held.beforeTransactionSelection;
    const put = () => {
      binding.prosemirrorView = view;
      held.beforeTransactionSelection = selection;
    };
    held.beforeTransactionSelection = null;
    binding.prosemirrorView = {
      get state() {
        return view.state;
      },
      dispatch(rendered: Transaction) {
        put();
        const sync = rendered.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined;
        if (!sync?.isChangeOrigin) return view.dispatch(rendered);
        const tr = replaceOnlyChangedBlocks(view, rendered) ?? rendered;
        restoreSelectionInBlocks(tr, selection, binding);
        if (selection !== null && binding._isLocalCursorInView()) tr.scrollIntoView();
        view.dispatch(tr);
      },
    };
    try {
      typeChanged(events, transaction);
    } finally {
      put();
    }
  };
}
