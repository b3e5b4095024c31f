import { promisify } from 'node:util';
import { deflateRaw, deflateRawSync, inflateRawSync } from 'node:zlib';
import * as Y from 'yjs';

/** How a row of the `updates` table holds its Yjs V1 update. */
export const RowCodec = {
  /** The update's bytes as they are (every appended update). */
  Raw: 0,
  /** Raw DEFLATE of the bytes (compacted states, which compress about 3×). */
  Deflate: 1,
} as const;

/** One of the {@link RowCodec} values. */
export type RowCodec = (typeof RowCodec)[keyof typeof RowCodec];

/** A compacted state as it should be stored: deflated when that saves at least a tenth. */
export function encodeRow(update: Uint8Array): { data: Uint8Array; codec: RowCodec } {
  const deflated = deflateRawSync(update);
  return deflated.byteLength < update.byteLength * 0.9
    ? { data: deflated, codec: RowCodec.Deflate }
    : { data: update, codec: RowCodec.Raw };
}

const deflateRawAsync = promisify(deflateRaw);

/** Below this, deflating takes well under a millisecond: less than the trip to the thread pool and back. */
const ASYNC_DEFLATE_BYTES = 64 * 1024;

/**
 * {@link encodeRow} without blocking the event loop: zlib's asynchronous API deflates on
 * libuv's thread pool (a few megabytes take tens of milliseconds). Small states are
 * deflated at once, as before.
 */
export async function encodeRowAsync(update: Uint8Array): Promise<{ data: Uint8Array; codec: RowCodec }> {
  if (update.byteLength < ASYNC_DEFLATE_BYTES) return encodeRow(update);
  const deflated = await deflateRawAsync(update);
  return deflated.byteLength < update.byteLength * 0.9
    ? { data: deflated, codec: RowCodec.Deflate }
    : { data: update, codec: RowCodec.Raw };
}

/** The Yjs update a stored row holds; throws on a codec this version does not know. */
export function decodeRow(data: Uint8Array, codec: number): Uint8Array {
  if (codec === RowCodec.Raw) return data;
  if (codec === RowCodec.Deflate) return new Uint8Array(inflateRawSync(data));
  throw new RangeError(`update row stored with unknown codec ${codec}; upgrade Tandem`);
}

/** One stored piece of a state: its bytes and how they are held. */
export interface PackedPart {
  data: Uint8Array;
  codec: RowCodec;
}

/**
 * A state as storage holds it: one whole state, or a whole state followed by deltas on
 * it; merged in order, the parts are the state. Unpacking costs time in proportion to
 * the state, so the server does it off the event loop.
 */
export interface PackedState {
  parts: PackedPart[];
}

/** A packed state holding `state` as it is. */
export function rawPacked(state: Uint8Array): PackedState {
  return { parts: [{ data: state, codec: RowCodec.Raw }] };
}

/** The Yjs V1 update a packed state stands for. Throws a RangeError on a codec this version does not know. */
export function unpackState(packed: PackedState): Uint8Array {
  const updates = packed.parts.map((part) => decodeRow(part.data, part.codec));
  if (updates.length === 0) throw new RangeError('a packed state has at least one part');
  return updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
}
