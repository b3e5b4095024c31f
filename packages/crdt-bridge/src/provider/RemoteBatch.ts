import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/**
 * Decides when held remote changes are applied: it is handed `flush` and calls it once, later
 * (an editor passes "at the next animation frame"). Without one, changes apply as they arrive.
 */
export type RemoteScheduler = (flush: () => void) => void;

/** One client's entry in an awareness update: its clock and its state as JSON text ("null" when gone). */
interface AwarenessEntry {
  clock: number;
  state: string;
}

/**
 * Merges awareness updates (y-protocols' encoding: count, then client id, clock and JSON state
 * for each) into one that holds, per client, the entry with the highest clock, the later one on
 * a tie: applying it leaves the same states as applying each in turn, with one change event.
 */
export function mergeAwarenessUpdates(updates: readonly Uint8Array[]): Uint8Array {
  if (updates.length === 1) return updates[0]!;
  const latest = new Map<number, AwarenessEntry>();
  for (const update of updates) {
    const decoder = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder);
    for (let i = 0; i < count; i++) {
      const client = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const state = decoding.readVarString(decoder);
      const seen = latest.get(client);
      if (!seen || clock >= seen.clock) latest.set(client, { clock, state });
    }
  }
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, latest.size);
  for (const [client, { clock, state }] of latest) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, state);
  }
  return encoding.toUint8Array(encoder);
}

/** What a {@link RemoteBatch} applies, in this order: the document's updates, then the merged presence. */
export interface RemoteApply {
  updates(updates: Uint8Array[]): void;
  awareness(update: Uint8Array): void;
}

/**
 * Remote document updates and awareness held until the scheduler says "now", then applied
 * together: several people's keystrokes arriving within one frame cost the editor one
 * redraw instead of one each.
 */
export class RemoteBatch {
  private updates: Uint8Array[] = [];
  private awareness: Uint8Array[] = [];
  private scheduled = false;

  constructor(
    private readonly schedule: RemoteScheduler,
    private readonly apply: RemoteApply,
  ) {}

  /** Holds a document update until the next flush. */
  pushUpdate(update: Uint8Array): void {
    this.updates.push(update);
    this.arm();
  }

  /** Holds an awareness update until the next flush. */
  pushAwareness(update: Uint8Array): void {
    this.awareness.push(update);
    this.arm();
  }

  /** Applies everything held now (also what must come first before other messages are handled). */
  flush(): void {
    const updates = this.updates;
    const awareness = this.awareness;
    this.updates = [];
    this.awareness = [];
    if (updates.length > 0) this.apply.updates(updates);
    if (awareness.length > 0) this.apply.awareness(mergeAwarenessUpdates(awareness));
  }

  /** Forgets held presence (its people left with the connection); document updates stay held. */
  dropAwareness(): void {
    this.awareness = [];
  }

  private arm(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      this.flush();
    });
  }
}
