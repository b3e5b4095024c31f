import type { Node as PMNode } from 'prosemirror-model';
import { prosemirrorToYXmlFragment, yXmlFragmentToProsemirrorJSON } from 'y-prosemirror';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT, schema } from './schema.js';

/**
 * The ProseMirror document held in a Y.Doc, checked against the schema.
 * Pure: unlike y-prosemirror's view binding it never "repairs" (deletes) content
 * that does not fit; it throws a RangeError instead.
 */
export function docFromY(doc: Y.Doc): PMNode {
  const fragment = doc.getXmlFragment(CONTENT_FRAGMENT);
  const json = yXmlFragmentToProsemirrorJSON(fragment) as { type: string; content?: unknown[] };
  // An empty document is one empty paragraph, as the editor shows it.
  if (!json.content || json.content.length === 0) json.content = [{ type: 'paragraph' }];
  const node = schema.nodeFromJSON(json);
  node.check();
  return node;
}

/** A Y.Doc update that writes `node` (a whole document) into an empty Y.Doc's body. */
export function yUpdateFromDoc(node: PMNode, title?: string): Uint8Array {
  const doc = new Y.Doc();
  doc.transact(() => {
    prosemirrorToYXmlFragment(node, doc.getXmlFragment(CONTENT_FRAGMENT));
    if (title) doc.getMap('meta').set('title', title);
  });
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}
