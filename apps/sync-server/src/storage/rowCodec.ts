import { deflateRawSync, inflateRawSync } from 'node:zlib';

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

/** The Yjs update a stored row holds; throws on a codec this version does not know. */
export function decodeRow(data: Uint8Array, codec: number): Uint8Array {
  if (codec === RowCodec.Raw) return data;
  if (codec === RowCodec.Deflate) return new Uint8Array(inflateRawSync(data));
  throw new RangeError(`update row stored with unknown codec ${codec}; upgrade Tandem`);
}
