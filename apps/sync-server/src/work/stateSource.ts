import * as Y from 'yjs';
import { unpackState, type PackedState } from '../storage/rowCodec.js';

/** A document's state as a job receives it: packed as a version is stored, or a document's stored updates (or its whole state) in order. */
export type StateSource = { packed: PackedState } | { updates: Uint8Array[] };

/** A Y.Doc holding the source (the caller destroys it). */
export function docOf(source: StateSource): Y.Doc {
  const doc = new Y.Doc();
  const updates = 'packed' in source ? [unpackState(source.packed)] : source.updates;
  Y.transact(doc, () => {
    for (const update of updates) Y.applyUpdate(doc, update);
  });
  return doc;
}

/** UTF-8 bytes of a text, in a buffer of their own (so they can be transferred). */
export function bytesOf(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
