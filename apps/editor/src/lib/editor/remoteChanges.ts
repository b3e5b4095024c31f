import { Fragment, Slice, type Node } from 'prosemirror-model';
import { AllSelection, NodeSelection, TextSelection, type Transaction } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';
import { ySyncPluginKey, type ProsemirrorBinding } from 'y-prosemirror';
import type * as Y from 'yjs';
import { absolutePositionInBlock, BlockMapping, type relativeSelectionInBlocks } from './blockPositions.js';

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

/** A top-level block a Yjs transaction changed inside, and where its node is in the document. */
interface Touched {
  type: Y.XmlElement;
  from: number;
  to: number;
}

/**
 * The top-level blocks `transaction` changed inside, in document order, when that is all it did
 * (no block added, removed or moved at the top level) and each block's node is known for certain;
 * otherwise null. One scan of the top-level list, no Yjs walk.
 */
function blocksTouched(binding: ProsemirrorBinding, transaction: Y.Transaction, doc: Node): Touched[] | null {
  const fragment = binding.type as Y.AbstractType<unknown>;
  const mapping = binding.mapping;
  if (transaction.changed.has(fragment as never) || !(mapping instanceof BlockMapping)) return null;
  const wanted = new Map<Node, Y.XmlElement>();
  for (const changed of transaction.changed.keys()) {
    let top = changed as Y.AbstractType<unknown>;
    while (top._item !== null && top._item.parent !== fragment) top = top._item.parent as Y.AbstractType<unknown>;
    // Another shared type of the document (comments, suggestions): not the editor's.
    if (top._item === null) continue;
    const node = mapping.get(top);
    if (node === undefined || Array.isArray(node) || mapping.typeOf(node) !== top) return null;
    wanted.set(node, top as Y.XmlElement);
  }
  const touched: Touched[] = [];
  let offset = 0;
  doc.forEach((child) => {
    const type = wanted.get(child);
    if (type !== undefined) touched.push({ type, from: offset, to: offset + child.nodeSize });
    offset += child.nodeSize;
  });
  return touched.length === wanted.size && touched.length > 0 ? touched : null;
}

/** `touched`'s blocks replaced by `rendered`'s children, one each, in order. */
function replaceTouched(view: EditorView, touched: Touched[], rendered: Transaction): Transaction | null {
  if (rendered.steps.length !== 1 || rendered.doc.childCount !== touched.length) return null;
  const tr = view.state.tr.setMeta('addToHistory', false);
  // From the last, so the positions before each one still hold.
  for (let i = touched.length - 1; i >= 0; i--) tr.replaceWith(touched[i]!.from, touched[i]!.to, rendered.doc.child(i));
  return tr.setMeta(ySyncPluginKey, rendered.getMeta(ySyncPluginKey));
}

/**
 * Runs y-prosemirror's `_typeChanged` (pinned at 1.3.7: it drops the mapping of what Yjs changed and
 * builds those nodes again) on only the top-level blocks the transaction changed inside, and
 * dispatches what it built differently: those blocks replaced in place, and the selection put back
 * one block at a time ({@link restoreSelectionInBlocks}). Theirs lists every top-level block, replaces
 * the whole document and walks from its start per selection end. The function is private to the
 * binding, so its fragment and view are stood in for during the call: the fragment lists the touched
 * blocks, the selection it would restore is hidden from it, and its dispatch is caught (still inside
 * its mutex, so the change is not written back to Yjs). Blocks added or removed at the top level, or
 * a block that could not be built, take their whole path (with only the changed blocks replaced).
 */
export function changesInBlocks(
  binding: ProsemirrorBinding,
): (events: Y.YEvent<Y.XmlFragment>[], tr: Y.Transaction) => void {
  const typeChanged = binding._typeChanged.bind(binding);
  const fragment = binding.type;
  const run = (events: Y.YEvent<Y.XmlFragment>[], transaction: Y.Transaction, touched: Touched[] | null): boolean => {
    const view = binding.prosemirrorView as EditorView | null;
    if (view == null) return true;
    // y-prosemirror's typings say the selection is never null; it is between transactions.
    const held = binding as unknown as { beforeTransactionSelection: RelativeSelection | null };
    const selection = held.beforeTransactionSelection;
    let done = true;
    const put = () => {
      binding.prosemirrorView = view;
      binding.type = fragment;
      held.beforeTransactionSelection = selection;
    };
    held.beforeTransactionSelection = null;
    if (touched !== null) binding.type = { toArray: () => touched.map((t) => t.type) } as unknown as Y.XmlFragment;
    binding.prosemirrorView = {
      get state() {
        return view.state;
      },
      dispatch(rendered: Transaction) {
        put();
        const sync = rendered.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined;
        if (!sync?.isChangeOrigin) return view.dispatch(rendered);
        const tr =
          touched === null
            ? (replaceOnlyChangedBlocks(view, rendered) ?? rendered)
            : replaceTouched(view, touched, rendered);
        if (tr === null) {
          done = false;
          return;
        }
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
    return done;
  };
  return (events, transaction) => {
    const view = binding.prosemirrorView as EditorView | null;
    if (view == null) return;
    const sync = ySyncPluginKey.getState(view.state) as { snapshot: unknown; prevSnapshot: unknown };
    const touched =
      sync.snapshot == null && sync.prevSnapshot == null ? blocksTouched(binding, transaction, view.state.doc) : null;
    // A block that could not be built (y-prosemirror deletes it from Yjs): the whole path, as theirs.
    if (!run(events, transaction, touched)) run(events, transaction, null);
  };
}
