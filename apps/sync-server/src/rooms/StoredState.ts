import * as Y from 'yjs';
import type { StoredDocument } from '../storage/DocumentStore.js';
import { rangeCovered, type DeleteRange, type DeleteSetShape } from './v1Update.js';

/**
 * A document stored as one compacted row, held as its bytes rather than applied to the
 * room's Y.Doc: joins are answered from the row (a newcomer gets it as it is, a returning
 * client what it lacks), so a document people only read is never applied. Applying a big
 * document takes hundreds of milliseconds; it happens when something needs the content.
 */
export class StoredState {
  private stateVectorBytes: Uint8Array | null;
  /** The stored delete set, decoded on first use. */
  private deletes: Map<number, unknown[]> | null = null;

  private constructor(
    /** The row: the document's whole state as one V1 update. */
    readonly state: Uint8Array,
    stateVector: Uint8Array | undefined,
    /** Its delete set as a step 2 would carry it, when stored with the row. */
    private readonly deleteSetUpdate: Uint8Array | null,
  ) {
    this.stateVectorBytes = stateVector ?? null;
  }

  /** The stored document held unapplied, when it is one row; null when its rows must be applied. */
  static of(stored: StoredDocument): StoredState | null {
    if (stored.updates.length !== 1) return null;
    return new StoredState(stored.updates[0]!, stored.stateVector, stored.deleteSetUpdate ?? null);
  }

  /** The state vector (for sync step 1): stored with the row, else read from its bytes (cheaper than applying). */
  stateVector(): Uint8Array {
    this.stateVectorBytes ??= Y.encodeStateVectorFromUpdate(this.state);
    return this.stateVectorBytes;
  }

  /** What a client whose state vector is `stateVector` lacks, as a V1 update. */
  missingFor(stateVector: Uint8Array): Uint8Array {
    return Y.diffUpdate(this.state, stateVector);
  }

  /** Whether every deletion in `ds` is among the stored state's deletions (false when that is not known). */
  coversDeletes(ds: DeleteSetShape): boolean {
    if (this.deleteSetUpdate === null) return false;
    this.deletes ??= (Y.decodeUpdate(this.deleteSetUpdate).ds as DeleteSetShape).clients;
    for (const [client, items] of ds.clients) {
      const ranges = (this.deletes.get(client) ?? []) as DeleteRange[];
      for (const item of items as DeleteRange[]) if (!rangeCovered(ranges, item)) return false;
    }
    return true;
  }
}
