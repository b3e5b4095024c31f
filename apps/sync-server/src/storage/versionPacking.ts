import * as Y from 'yjs';
import { encodeRowAsync, type RowCodec } from './rowCodec.js';

/** A delta is stored only when it is at most this share of the whole state (else a new base is). */
export const DELTA_SHARE = 0.25;

/** Versions that may build on one base before a new base is started (bounds what one base holds up). */
export const MAX_VERSIONS_PER_BASE = 64;

/** A base state a new version might be stored as a delta on. */
export interface BaseCandidate {
  id: number;
  stateVector: Uint8Array;
  /** Versions already stored on it. */
  versions: number;
}

/**
 * A document's whole state as V1 updates: one, or several that applied in order are the
 * state (a room's last whole encoding and its changes since, see `Room.stateParts`), so that
 * the event loop need not encode a multi-MB document to store a version of it.
 */
export type VersionState = Uint8Array | readonly Uint8Array[];

/**
 * How a version's state is to be stored: a delta on an existing base, or a new base of its
 * own; `stateBytes` is the size of the whole state (one update), as a version's size is told.
 */
export type Packing =
  | { kind: 'delta'; baseId: number; data: Uint8Array; codec: RowCodec; stateBytes: number }
  | { kind: 'base'; data: Uint8Array; codec: RowCodec; stateVector: Uint8Array; stateBytes: number };

/** Packs a version's state (see {@link packVersionState}); the server hands stores one that runs on a worker. */
export type VersionPacker = (state: VersionState, base: BaseCandidate | null) => Promise<Packing>;

/** A version state as one update: parts are merged (which reads all of them: on a worker, as packing runs). */
export function wholeState(state: VersionState): Uint8Array {
  if (state instanceof Uint8Array) return state;
  if (state.length === 0) throw new RangeError('a version state has at least one part');
  return state.length === 1 ? state[0]! : Y.mergeUpdates([...state]);
}

/** Whether state vector `outer` has every change `inner` has. */
function covers(outer: Map<number, number>, inner: Map<number, number>): boolean {
  for (const [client, clock] of inner) if ((outer.get(client) ?? 0) < clock) return false;
  return true;
}

/**
 * Decides how to store `state` (a whole document state): as the delta from `base` when
 * the state contains everything the base has and the delta is small (versions of one
 * document mostly share their content, so a delta is often a few hundred bytes against
 * a whole state of megabytes), otherwise as a new base. Either is deflated off the
 * event loop. The delta holds the state's new items and its whole delete set:
 * `Y.mergeUpdates([base, delta])` is the state.
 */
export async function packVersionState(parts: VersionState, base: BaseCandidate | null): Promise<Packing> {
  const state = wholeState(parts);
  const stateBytes = state.byteLength;
  const stateVector = Y.encodeStateVectorFromUpdate(state);
  if (base !== null && base.versions < MAX_VERSIONS_PER_BASE) {
    const baseClocks = Y.decodeStateVector(base.stateVector);
    if (covers(Y.decodeStateVector(stateVector), baseClocks)) {
      const delta = Y.diffUpdate(state, base.stateVector);
      if (delta.byteLength <= state.byteLength * DELTA_SHARE)
        return { kind: 'delta', baseId: base.id, stateBytes, ...(await encodeRowAsync(delta)) };
    }
  }
  return { kind: 'base', stateVector, stateBytes, ...(await encodeRowAsync(state)) };
}
