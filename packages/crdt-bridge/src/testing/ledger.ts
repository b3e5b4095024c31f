import * as Y from 'yjs';
import type { DocSession } from '../provider/DocSession.js';
import type { SessionStatus } from '../provider/status.js';

/**
 * Records a session's local changes and which of them the session has reported as
 * stored: at each transition to `save: 'saved'`, every local change made so far is
 * acknowledged. Tests then check each acknowledged change survives.
 */
export class AckLedger {
  /** Local changes not yet covered by a "saved" status. */
  private unacknowledged: Uint8Array[] = [];
  /** Local changes covered by a "saved" status, merged as they were acknowledged. */
  private acknowledgedUpdates: Uint8Array[] = [];
  private count = 0;
  /** How many times the session went from saving to saved. */
  acknowledgements = 0;
  private readonly listeners: ((acknowledged: Uint8Array) => void)[] = [];

  constructor(private readonly session: DocSession) {
    session.doc.on('update', this.onUpdate);
    session.on('status', this.onStatus);
  }

  /** Everything acknowledged so far, as one update. */
  get acknowledged(): Uint8Array {
    return Y.mergeUpdates(this.acknowledgedUpdates);
  }

  /** Number of local changes acknowledged so far. */
  get acknowledgedCount(): number {
    return this.count;
  }

  /** Calls `listener` synchronously at each acknowledgement with everything acknowledged so far. */
  onAcknowledge(listener: (acknowledged: Uint8Array) => void): void {
    this.listeners.push(listener);
  }

  /** Stops recording. */
  destroy(): void {
    this.session.doc.off('update', this.onUpdate);
    this.session.off('status', this.onStatus);
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    // Changes the session applied came from the server; only local ones are ours to track.
    if (origin !== this.session) this.unacknowledged.push(update);
  };

  private readonly onStatus = (status: SessionStatus): void => {
    if (status.save !== 'saved' || this.unacknowledged.length === 0) return;
    this.count += this.unacknowledged.length;
    this.acknowledgedUpdates.push(...this.unacknowledged);
    this.unacknowledged = [];
    this.acknowledgedUpdates = [Y.mergeUpdates(this.acknowledgedUpdates)];
    this.acknowledgements++;
    if (this.listeners.length === 0) return;
    const all = this.acknowledged;
    for (const listener of this.listeners) listener(all);
  };
}

/**
 * Whether `doc` already holds every change in `update`: applying it to a copy changes
 * nothing and leaves nothing waiting on missing dependencies.
 */
export function containsUpdate(doc: Y.Doc, update: Uint8Array): boolean {
  return containsUpdateInState(Y.encodeStateAsUpdate(doc), update);
}

/** Like {@link containsUpdate}, for a document given as an encoded state. */
export function containsUpdateInState(state: Uint8Array, update: Uint8Array): boolean {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, state);
  const before = Y.encodeSnapshot(Y.snapshot(copy));
  Y.applyUpdate(copy, update);
  const after = Y.encodeSnapshot(Y.snapshot(copy));
  const unchanged = before.length === after.length && before.every((byte, i) => byte === after[i]);
  const complete = copy.store.pendingStructs === null && copy.store.pendingDs === null;
  copy.destroy();
  return unchanged && complete;
}
