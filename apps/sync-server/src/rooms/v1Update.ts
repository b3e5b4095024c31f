import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

/** What this module reads of a decoded Yjs delete set: deleted ranges per client. */
export interface DeleteSetShape {
  clients: Map<number, unknown[]>;
}

/** One deleted range of a client's clocks, as Yjs decodes it. */
export interface DeleteRange {
  clock: number;
  len: number;
}

/** A V1 update, decoded. */
export interface DecodedUpdate {
  structs: (Y.Item | Y.GC | Y.Skip)[];
  ds: DeleteSetShape;
}

/** The reader Yjs created for the last `decodeWholeV1Update` (decoding is synchronous). */
let lastV1Reader: Y.UpdateDecoderV1 | null = null;

/**
 * A V1 reader that makes itself known, so the caller can look at what is left after
 * Yjs stopped reading. One class for every call: a class per call made every decode
 * see a new shape and cost ~20 µs per keystroke.
 */
class CapturingDecoderV1 extends Y.UpdateDecoderV1 {
  constructor(decoder: decoding.Decoder) {
    super(decoder);
    lastV1Reader = this;
  }
}

/**
 * Decodes `update` as a Yjs V1 update and throws unless that consumes every byte.
 * Yjs's own decoder stops after the delete set and ignores the rest, so without this
 * a V2 update (whose first byte reads as "no structs, no deletes") would pass as an
 * empty V1 update and be acknowledged as stored while its content was dropped.
 */
export function decodeWholeV1Update(update: Uint8Array): DecodedUpdate {
  lastV1Reader = null;
  const decoded = Y.decodeUpdateV2(update, CapturingDecoderV1);
  const reader = lastV1Reader as Y.UpdateDecoderV1 | null;
  lastV1Reader = null;
  if (reader === null || decoding.hasContent(reader.restDecoder)) {
    throw new RangeError('update has bytes after its delete set (not a V1 update?)');
  }
  return decoded;
}

/**
 * How many structs a V1 update holds, read from its first bytes when it has one client
 * (a paste, a keystroke: the usual case); null when it has several or cannot be read
 * (then only decoding it tells). Cheap: two varints.
 */
export function structCountHint(update: Uint8Array): number | null {
  try {
    const decoder = decoding.createDecoder(update);
    if (decoding.readVarUint(decoder) !== 1) return null;
    return decoding.readVarUint(decoder);
  } catch {
    return null;
  }
}

/** Whether `item` lies inside one of `ranges` (sorted by clock and merged, as Yjs encodes them). */
export function rangeCovered(ranges: readonly DeleteRange[], item: DeleteRange): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const range = ranges[mid]!;
    if (item.clock < range.clock) hi = mid - 1;
    else if (item.clock >= range.clock + range.len) lo = mid + 1;
    else return item.clock + item.len <= range.clock + range.len;
  }
  return false;
}

/** Whether a delete set deletes nothing. */
export function isEmptyDeleteSet(ds: DeleteSetShape): boolean {
  for (const ranges of ds.clients.values()) if (ranges.length > 0) return false;
  return true;
}

/** Writes one client's run of structs as Yjs's update format does: count, client, first clock, structs. */
function writeRun(encoder: Y.UpdateEncoderV1, run: readonly (Y.Item | Y.GC | Y.Skip)[]): void {
  encoding.writeVarUint(encoder.restEncoder, run.length);
  encoder.writeClient(run[0]!.id.client);
  encoding.writeVarUint(encoder.restEncoder, run[0]!.id.clock);
  for (const struct of run) struct.write(encoder, 0);
}

/** Writes a delete set as Yjs's V1 format does (clients in descending order). */
function writeDeleteSet(encoder: Y.UpdateEncoderV1, ds: DeleteSetShape): void {
  const clients = [...ds.clients.entries()].sort((a, b) => b[0] - a[0]);
  encoding.writeVarUint(encoder.restEncoder, clients.length);
  for (const [client, ranges] of clients) {
    encoder.resetDsCurVal();
    encoding.writeVarUint(encoder.restEncoder, client);
    encoding.writeVarUint(encoder.restEncoder, ranges.length);
    for (const range of ranges as DeleteRange[]) {
      encoder.writeDsClock(range.clock);
      encoder.writeDsLen(range.len);
    }
  }
}

/**
 * Splits a V1 update into updates of at most `maxStructs` structs each which, applied in
 * order, do what the whole does: each client's structs stay in clock order, and the
 * delete set travels with the last part. Throws on bytes that are not one
 * whole V1 update. An update small enough comes back as it is.
 */
export function splitUpdate(update: Uint8Array, maxStructs: number): Uint8Array[] {
  const { structs, ds } = decodeWholeV1Update(update);
  if (structs.length <= maxStructs) return [update];
  // Yjs decodes one client's structs after another, each client's in clock order.
  const runs: (Y.Item | Y.GC | Y.Skip)[][] = [];
  for (const struct of structs) {
    const run = runs.at(-1);
    if (run && run[0]!.id.client === struct.id.client) run.push(struct);
    else runs.push([struct]);
  }
  const parts: Uint8Array[] = [];
  let pending: (Y.Item | Y.GC | Y.Skip)[][] = [];
  let pendingCount = 0;
  const flush = (last: boolean): void => {
    const encoder = new Y.UpdateEncoderV1();
    encoding.writeVarUint(encoder.restEncoder, pending.length);
    for (const run of pending) writeRun(encoder, run);
    writeDeleteSet(encoder, last ? ds : { clients: new Map() });
    parts.push(encoder.toUint8Array());
    pending = [];
    pendingCount = 0;
  };
  for (const run of runs) {
    for (let start = 0; start < run.length;) {
      const take = Math.min(maxStructs - pendingCount, run.length - start);
      pending.push(run.slice(start, start + take));
      pendingCount += take;
      start += take;
      if (pendingCount === maxStructs) flush(false);
    }
  }
  flush(true);
  return parts;
}
