import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from '../schema/schema.js';
import { docText } from '../schema/text.js';
import { docTitle } from '../schema/title.js';
import { fragmentToJSON } from './tree.js';
import type { NodeJSON, StateContent } from './types.js';

/**
 * A snapshot of a document: its whole state at that moment, as a Yjs V1 update.
 * The live document keeps garbage collection on, so a snapshot is the encoded state
 * rather than a Yjs `Snapshot` (which needs every deleted item kept forever).
 */
export function encodeState(doc: Y.Doc): Uint8Array {
  return Y.encodeStateAsUpdate(doc);
}

/**
 * A fresh Y.Doc holding `state`. Throws a RangeError when the bytes are not a V1
 * update. The caller owns the document (destroy it when done).
 */
export function decodeState(state: Uint8Array, options: { gc?: boolean } = {}): Y.Doc {
  const doc = new Y.Doc({ gc: options.gc ?? true });
  try {
    Y.applyUpdate(doc, state);
  } catch (error) {
    doc.destroy();
    throw new RangeError('not a Yjs update', { cause: error });
  }
  return doc;
}

/** The body of `doc` as ProseMirror JSON; an empty body reads as one empty paragraph, as the editor shows it. */
export function docJSON(doc: Y.Doc): NodeJSON {
  const { content } = fragmentToJSON(doc.getXmlFragment(CONTENT_FRAGMENT), { mode: 'plain' });
  return { type: 'doc', content: content.length > 0 ? content : [{ type: 'paragraph' }] };
}

/** What a snapshot holds: ProseMirror JSON, plain text and title. */
export function stateContent(state: Uint8Array): StateContent {
  const doc = decodeState(state);
  try {
    return { doc: docJSON(doc), text: docText(doc), title: docTitle(doc) };
  } finally {
    doc.destroy();
  }
}

/** The state vector inside an encoded state, without building a document. */
export function stateVectorOf(state: Uint8Array): Map<number, number> {
  return Y.decodeStateVector(Y.encodeStateVectorFromUpdate(state));
}

/**
 * Whether every change in `a` is also in `b` (by state vector: deletions alone do not
 * show, so two states differing only by deletions compare as contained both ways).
 */
export function stateContains(b: Map<number, number>, a: Map<number, number>): boolean {
  for (const [client, clock] of a) if ((b.get(client) ?? 0) < clock) return false;
  return true;
}
