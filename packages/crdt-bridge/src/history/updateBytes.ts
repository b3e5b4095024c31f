// Reading a Yjs V1 update's bytes without building a document: a diff of two states of a
// multi-megabyte document needs each state's snapshot (state vector + delete set) and the
// part of the later state the earlier one lacks, and decoding a whole state into a Y.Doc
// for that costs hundreds of milliseconds where skipping over its bytes costs a few.
// The layout is Yjs 13's (`writeClientsStructs`, then `writeDeleteSet`, in yjs/src/utils/
// encoding.js and DeleteSet.js); every struct kind it writes is read here.

import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

/** Struct kinds (the low 5 bits of a struct's info byte) that are not items. */
const GC_KIND = 0;
const SKIP_KIND = 10;
/** Info bits: has an origin, has a right origin, has a parent sub (a map key). */
const HAS_ORIGIN = 0x80;
const HAS_RIGHT_ORIGIN = 0x40;
const HAS_PARENT_SUB = 0x20;
/** Type refs of the types that carry a name (Y.XmlElement, Y.XmlHook). */
const XML_ELEMENT_REF = 3;
const XML_HOOK_REF = 5;

/** Skips a string; returns its length in UTF-16 code units (what Yjs counts), read from its UTF-8 bytes. */
function skipString(decoder: decoding.Decoder): number {
  const bytes = decoding.readVarUint(decoder);
  const end = decoder.pos + bytes;
  if (end > decoder.arr.length) throw new RangeError('string past the end of the update');
  const arr = decoder.arr;
  let units = 0;
  for (let i = decoder.pos; i < end; i++) {
    const b = arr[i]!;
    // A lead byte starts a character; a 4-byte one is a surrogate pair in UTF-16.
    if ((b & 0xc0) !== 0x80) units += b >= 0xf0 ? 2 : 1;
  }
  decoder.pos = end;
  return units;
}

/** Skips one struct; returns its kind and its length in clock ticks. */
function skipStruct(decoder: decoding.Decoder): { kind: number; length: number } {
  const info = decoding.readUint8(decoder);
  const kind = info & 0x1f;
  if (kind === GC_KIND || kind === SKIP_KIND) return { kind, length: decoding.readVarUint(decoder) };
  if (info & HAS_ORIGIN) (decoding.readVarUint(decoder), decoding.readVarUint(decoder));
  if (info & HAS_RIGHT_ORIGIN) (decoding.readVarUint(decoder), decoding.readVarUint(decoder));
  if ((info & (HAS_ORIGIN | HAS_RIGHT_ORIGIN)) === 0) {
    // Without origins the parent is written: a root type's name, or the parent item's id.
    if (decoding.readVarUint(decoder) === 1) skipString(decoder);
    else (decoding.readVarUint(decoder), decoding.readVarUint(decoder));
    if (info & HAS_PARENT_SUB) skipString(decoder);
  }
  return { kind, length: skipContent(decoder, kind) };
}

/** Skips an item's content of `kind`; returns its length. */
function skipContent(decoder: decoding.Decoder, kind: number): number {
  switch (kind) {
    case 1: // deleted: only its length
      return decoding.readVarUint(decoder);
    case 2: {
      // JSON: one string per element
      const n = decoding.readVarUint(decoder);
      for (let i = 0; i < n; i++) skipString(decoder);
      return n;
    }
    case 3: // binary
      decoding.readVarUint8Array(decoder);
      return 1;
    case 4: // string
      return skipString(decoder);
    case 5: // embed (JSON)
      skipString(decoder);
      return 1;
    case 6: // format: key and JSON value
      skipString(decoder);
      skipString(decoder);
      return 1;
    case 7: {
      // type: its ref, and a name for XML elements and hooks
      const ref = decoding.readVarUint(decoder);
      if (ref === XML_ELEMENT_REF || ref === XML_HOOK_REF) skipString(decoder);
      return 1;
    }
    case 8: {
      // any: lib0-encoded values
      const n = decoding.readVarUint(decoder);
      for (let i = 0; i < n; i++) decoding.readAny(decoder);
      return n;
    }
    case 9: // subdocument: guid and options
      skipString(decoder);
      decoding.readAny(decoder);
      return 1;
    default:
      throw new RangeError(`unknown struct kind ${kind}`);
  }
}

/** One client's run of structs in an update: where its structs start in the bytes, and their clocks. */
interface ClientRun {
  client: number;
  /** Clock of the first struct. */
  clock: number;
  /** Byte offset of each struct, and of the end of the last, in order. */
  offsets: number[];
  /** Clock of each struct, and of the end of the last, in order. */
  clocks: number[];
  /** Whether a Skip struct (a gap) is among them. */
  hasSkip: boolean;
}

/** Reads the struct section of a V1 update; returns its runs and where its delete set starts. */
function readRuns(update: Uint8Array): { runs: ClientRun[]; dsStart: number } {
  const decoder = decoding.createDecoder(update);
  const runs: ClientRun[] = [];
  try {
    const count = decoding.readVarUint(decoder);
    for (let r = 0; r < count; r++) {
      const structs = decoding.readVarUint(decoder);
      const client = decoding.readVarUint(decoder);
      let clock = decoding.readVarUint(decoder);
      const run: ClientRun = { client, clock, offsets: [], clocks: [], hasSkip: false };
      for (let i = 0; i < structs; i++) {
        run.offsets.push(decoder.pos);
        run.clocks.push(clock);
        const { kind, length } = skipStruct(decoder);
        if (kind === SKIP_KIND) run.hasSkip = true;
        clock += length;
      }
      run.offsets.push(decoder.pos);
      run.clocks.push(clock);
      runs.push(run);
    }
  } catch (error) {
    throw new RangeError('not a Yjs update', { cause: error });
  }
  if (decoder.pos > update.length) throw new RangeError('not a Yjs update: it ends inside a struct');
  return { runs, dsStart: decoder.pos };
}

/** The delete set section of a V1 update (from `start`), per client, as [clock, length] ranges. */
function readDeleteRanges(update: Uint8Array, start: number): Map<number, [number, number][]> {
  const decoder = decoding.createDecoder(update);
  decoder.pos = start;
  const out = new Map<number, [number, number][]>();
  try {
    const clients = decoding.readVarUint(decoder);
    for (let c = 0; c < clients; c++) {
      const client = decoding.readVarUint(decoder);
      const n = decoding.readVarUint(decoder);
      const ranges = out.get(client) ?? [];
      for (let i = 0; i < n; i++) ranges.push([decoding.readVarUint(decoder), decoding.readVarUint(decoder)]);
      if (ranges.length > 0) out.set(client, ranges);
    }
  } catch (error) {
    throw new RangeError('not a Yjs update: its delete set is cut short', { cause: error });
  }
  return out;
}

/**
 * A document's state as V1 updates that, merged (`Y.mergeUpdates`) or applied in order,
 * are the state: one whole state, or a whole state and the changes since (as versions are
 * stored, and as a room hands its state to a worker).
 */
export type StateParts = Uint8Array | readonly Uint8Array[];

/** The parts of a state as a list. */
export function partsOf(state: StateParts): readonly Uint8Array[] {
  return state instanceof Uint8Array ? [state] : state;
}

/** What reading a part's structs found (its runs, where its delete set starts), by part: to read each part once across calls. */
export type PartScans = Map<Uint8Array, { runs: ClientRun[]; dsStart: number }>;

/** The runs of `update`, read once per `scans`. */
function scanOf(update: Uint8Array, scans: PartScans | undefined): { runs: ClientRun[]; dsStart: number } {
  let scan = scans?.get(update);
  if (!scan) {
    scan = readRuns(update);
    scans?.set(update, scan);
  }
  return scan;
}

/** The stretches of clocks a run holds without a gap (a Skip struct ends one). */
function stretches(update: Uint8Array, run: ClientRun): [number, number][] {
  if (!run.hasSkip) return [[run.clock, run.clocks.at(-1)!]];
  const out: [number, number][] = [];
  const decoder = decoding.createDecoder(update);
  let start = run.clock;
  for (let i = 0; i < run.offsets.length - 1; i++) {
    decoder.pos = run.offsets[i]!;
    if ((decoding.readUint8(decoder) & 0x1f) !== SKIP_KIND) continue;
    if (run.clocks[i]! > start) out.push([start, run.clocks[i]!]);
    start = run.clocks[i + 1]!;
  }
  if (run.clocks.at(-1)! > start) out.push([start, run.clocks.at(-1)!]);
  return out;
}

/** Sorts and merges a client's deleted ranges, cut to end at `limit`. */
function mergeRanges(ranges: [number, number][], limit: number): [number, number][] {
  const merged: [number, number][] = [];
  for (const [clock, len] of ranges.sort((a, b) => a[0] - b[0])) {
    const end = Math.min(clock + len, limit);
    if (end <= clock) continue;
    const last = merged.at(-1);
    if (last && last[0] + last[1] >= clock) last[1] = Math.max(last[1], end - last[0]);
    else merged.push([clock, end - clock]);
  }
  return merged;
}

/**
 * The Yjs snapshot of a whole state (V1 update bytes, or parts of it), equal to `Y.snapshot`
 * of a document that applied it: each client's clocks from 0 up to the first gap (as
 * `Y.encodeStateVectorFromUpdate` reads one update), the delete set sorted, merged and cut
 * to that state vector (`scans` lets calls share the reading of a part). Parts must be of one document's history (each state holding the
 * deletions of those before it, as a document's versions do): Yjs also deletes an item
 * added into a parent that another branch deleted, which no update's delete set says.
 * Throws a RangeError on bytes that are not a V1 update.
 */
export function stateSnapshot(state: StateParts, scans?: PartScans): Y.Snapshot {
  const held = new Map<number, [number, number][]>();
  const deleted = new Map<number, [number, number][]>();
  for (const part of partsOf(state)) {
    const { runs, dsStart } = scanOf(part, scans);
    for (const run of runs) {
      const list = held.get(run.client) ?? [];
      list.push(...stretches(part, run));
      held.set(run.client, list);
    }
    for (const [client, ranges] of readDeleteRanges(part, dsStart)) {
      const list = deleted.get(client) ?? [];
      list.push(...ranges);
      deleted.set(client, list);
    }
  }
  const sv = new Map<number, number>();
  for (const [client, list] of held) {
    let end = 0;
    for (const [from, to] of list.sort((a, b) => a[0] - b[0])) {
      if (from > end) break;
      end = Math.max(end, to);
    }
    if (end > 0) sv.set(client, end);
  }
  const clipped: [number, [number, number][]][] = [];
  for (const [client, ranges] of deleted) {
    const merged = mergeRanges(ranges, sv.get(client) ?? 0);
    if (merged.length > 0) clipped.push([client, merged]);
  }
  // Written as an encoded snapshot (delete set, then state vector) so that Yjs builds its own objects.
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, clipped.length);
  for (const [client, ranges] of clipped) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, ranges.length);
    for (const [clock, len] of ranges) (encoding.writeVarUint(encoder, clock), encoding.writeVarUint(encoder, len));
  }
  encoding.writeVarUint(encoder, sv.size);
  for (const [client, clock] of sv) (encoding.writeVarUint(encoder, client), encoding.writeVarUint(encoder, clock));
  return Y.decodeSnapshot(encoding.toUint8Array(encoder));
}

/**
 * The part of `update` that a document at state vector `sv` lacks: its structs from `sv`
 * on and its whole delete set, cut from its bytes. Applying it to that document does what
 * applying `update` would (Yjs skips the structs it has). Null when a struct spans a clock
 * of `sv` (cutting it would need decoding it): apply `update` itself then. `scans` as in
 * {@link stateSnapshot}. Throws a
 * RangeError on bytes that are not a V1 update.
 */
export function updateSince(update: Uint8Array, sv: ReadonlyMap<number, number>, scans?: PartScans): Uint8Array | null {
  const { runs, dsStart } = scanOf(update, scans);
  const kept: { client: number; from: number }[] = [];
  const runOf = new Map<number, ClientRun>();
  for (const run of runs) {
    const have = sv.get(run.client) ?? 0;
    const { clocks } = run;
    if (clocks.at(-1)! <= have || clocks.length === 1) continue;
    // The first struct that ends after `have`; it must also start at or after it.
    let lo = 0;
    let hi = clocks.length - 2;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (clocks[mid + 1]! <= have) lo = mid + 1;
      else hi = mid;
    }
    if (clocks[lo]! < have) return null;
    kept.push({ client: run.client, from: lo });
    runOf.set(run.client, run);
  }
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, kept.length);
  for (const { client, from } of kept) {
    const run = runOf.get(client)!;
    encoding.writeVarUint(encoder, run.offsets.length - 1 - from);
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, run.clocks[from]!);
    encoding.writeUint8Array(encoder, update.subarray(run.offsets[from]!, run.offsets.at(-1)!));
  }
  encoding.writeUint8Array(encoder, update.subarray(dsStart));
  return encoding.toUint8Array(encoder);
}
