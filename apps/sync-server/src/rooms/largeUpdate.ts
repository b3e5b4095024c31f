import * as Y from 'yjs';
import type { DecodedUpdate, DeleteRange } from './v1Update.js';

/** Updates larger than this (bytes) are checked and applied a part at a time, between other work. */
export const LARGE_UPDATE_BYTES = 64 * 1024;

/** Structs in one part of a large update: about 330 pasted paragraphs, a few milliseconds to apply. */
export const UPDATE_PART_STRUCTS = 1_000;

/** How long a large update's schema check may run in one turn of the event loop. */
export const CHECK_SLICE_MS = 5;

/** Resolves on the next turn of the event loop, after the I/O and timers already waiting. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Whether `parts` (one update's decoded parts, in order) build on anything that neither
 * the document nor the update itself has: a gap in a client's clocks, a neighbour or
 * parent that does not exist, a deletion of unknown content. Applying such an update
 * would leave part of it pending; a large update is applied in several transactions,
 * so this is checked before the first, to refuse it whole.
 */
export function buildsOnUnknown(doc: Y.Doc, parts: readonly DecodedUpdate[]): boolean {
  const end = new Map<number, number>();
  for (const { structs } of parts) {
    for (const struct of structs) {
      if (struct instanceof Y.Skip) return true;
      const { client, clock } = struct.id;
      // Each client's structs come in clock order and must continue what the document has.
      if (!end.has(client) && clock > Y.getState(doc.store, client)) return true;
      if (end.has(client) && clock > end.get(client)!) return true;
      end.set(client, Math.max(end.get(client) ?? 0, clock + struct.length));
    }
  }
  const known = (client: number, clock: number): boolean =>
    clock < Math.max(Y.getState(doc.store, client), end.get(client) ?? 0);
  for (const { structs } of parts) {
    for (const struct of structs) {
      if (!(struct instanceof Y.Item)) continue;
      const { origin, rightOrigin, parent } = struct;
      if (origin && !known(origin.client, origin.clock)) return true;
      if (rightOrigin && !known(rightOrigin.client, rightOrigin.clock)) return true;
      if (parent instanceof Y.ID && !known(parent.client, parent.clock)) return true;
    }
  }
  for (const { ds } of parts) {
    for (const [client, ranges] of ds.clients) {
      for (const range of ranges as DeleteRange[]) if (!known(client, range.clock + range.len - 1)) return true;
    }
  }
  return false;
}
