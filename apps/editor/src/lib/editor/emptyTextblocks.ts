import type { Schema } from 'prosemirror-model';
import type { EditorView } from 'prosemirror-view';
import { ySyncPluginKey, type ProsemirrorBinding } from 'y-prosemirror';
import * as Y from 'yjs';

/**
 * Gives each empty textblock (paragraph, heading, code block…) that `tr` created on
 * this client an empty Y.XmlText, inside that same transaction.
 *
 * Why: y-prosemirror 1.3.7 writes an empty block as an element without children and
 * makes its Y.XmlText only when the first character is typed. When two people type
 * into the same new, empty line at once, each makes a Y.XmlText of their own, so the
 * block ends up holding two sibling texts. y-prosemirror keeps one text per run of
 * characters, so both editors then fold one text into the other by copying its
 * characters and deleting it, concurrently with more typing: characters come out
 * twice (yjs/y-prosemirror#161, which reproduces with 1.3.7). When the block arrives
 * with its text already in it, everyone types into the same Y.XmlText and Yjs merges
 * that like any other concurrent typing. Only blocks made in this very transaction
 * get one, so no one else can have typed into them yet.
 */
export function seedNewEmptyTextblocks(tr: Y.Transaction, schema: Schema): void {
  const self = tr.doc.clientID;
  const before = tr.beforeState.get(self) ?? 0;
  const isNew = (type: Y.XmlElement): boolean =>
    type._item !== null && type._item.id.client === self && type._item.id.clock >= before;
  const seed = (element: Y.XmlElement): void => {
    if (schema.nodes[element.nodeName]?.isTextblock) {
      if (element.length === 0) element.insert(0, [new Y.XmlText()]);
      return;
    }
    // Everything inside a new element is new too (Yjs never moves content).
    for (const child of element.toArray()) if (child instanceof Y.XmlElement) seed(child);
  };
  // A new element lands in a parent that existed before, and Yjs lists that parent as changed.
  for (const parent of [...tr.changed.keys()]) {
    if (!(parent instanceof Y.XmlFragment)) continue;
    for (const child of parent.toArray()) if (child instanceof Y.XmlElement && isNew(child)) seed(child);
  }
}

/**
 * Makes the view's y-prosemirror binding run {@link seedNewEmptyTextblocks} in every
 * transaction that writes this editor's changes to Yjs. `_prosemirrorChanged` is
 * y-prosemirror's internal write path (pinned at 1.3.7); wrapping it is the only way
 * to add to the same Yjs transaction, so the block and its text reach others as one
 * update and no one can type into the block before its text exists.
 */
export function seedEmptyTextblocksOnWrite(view: EditorView): void {
  const binding = (ySyncPluginKey.getState(view.state) as { binding?: ProsemirrorBinding } | undefined)?.binding;
  if (!binding) throw new Error('seedEmptyTextblocksOnWrite needs the ySyncPlugin');
  const write = binding._prosemirrorChanged.bind(binding);
  binding._prosemirrorChanged = (doc) => {
    // Nested in y-prosemirror's own transaction (same origin), so this is one transaction.
    binding.doc.transact((tr) => {
      write(doc);
      seedNewEmptyTextblocks(tr, doc.type.schema);
    }, ySyncPluginKey);
  };
}
