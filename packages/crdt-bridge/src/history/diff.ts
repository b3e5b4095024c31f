import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from '../schema/schema.js';
import { docTitle } from '../schema/title.js';
import { decodeState } from './snapshot.js';
import { fragmentToJSON } from './tree.js';
import { partsOf, stateSnapshot, updateSince, type PartScans, type StateParts } from './updateBytes.js';
import type { DiffChange, StateDiff } from './types.js';

/** Total clock and deleted length of a snapshot: on one document's linear history, larger means later. */
function progress(snapshot: Y.Snapshot): [number, number] {
  let clocks = 0;
  for (const clock of snapshot.sv.values()) clocks += clock;
  let deleted = 0;
  for (const items of snapshot.ds.clients.values()) for (const item of items) deleted += item.len;
  return [clocks, deleted];
}

function isEarlier(a: Y.Snapshot, b: Y.Snapshot): boolean {
  const [ca, da] = progress(a);
  const [cb, db] = progress(b);
  return ca < cb || (ca === cb && da <= db);
}

/** The part of a diff change that {@link mergeAdjacentChanges} joins on. */
type Run = Pick<DiffChange, 'type' | 'from' | 'to' | 'block' | 'text'>;

/**
 * Joins each text change to the previous one when they touch, are of the same kind and
 * `sameSource` says they come from the same place (a client id, an author). Returns copies.
 */
export function mergeAdjacentChanges<T extends Run>(changes: readonly T[], sameSource: (a: T, b: T) => boolean): T[] {
  const out: T[] = [];
  for (const change of changes) {
    const last = out.at(-1);
    if (
      last &&
      !last.block &&
      !change.block &&
      last.to === change.from &&
      last.type === change.type &&
      sameSource(last, change)
    ) {
      last.to = change.to;
      last.text += change.text;
    } else {
      out.push({ ...change });
    }
  }
  return out;
}

/** Whether every range of `ds` up to `at`'s state vector is deleted at `at` too (both sorted and merged, as Yjs keeps them). */
function deletionsKept(ds: Y.Snapshot['ds'], at: Y.Snapshot): boolean {
  for (const [client, ranges] of ds.clients) {
    const limit = at.sv.get(client) ?? 0;
    const later = at.ds.clients.get(client) ?? [];
    let j = 0;
    for (const { clock, len } of ranges) {
      const end = Math.min(clock + len, limit);
      if (end <= clock) continue;
      while (j < later.length && later[j]!.clock + later[j]!.len <= clock) j++;
      const cover = later[j];
      if (!cover || cover.clock > clock || cover.clock + cover.len < end) return false;
    }
  }
  return true;
}

/** A root type of the merged document no state has: asking it for a delta makes Yjs split the structs (see splitAt). */
const SPLIT_PROBE = 'tandem:diff-split';

/**
 * Splits the merged document's structs where either snapshot starts or ends content (its
 * clocks, its deleted ranges), so that each item is wholly in or out of it: Yjs merges
 * neighbouring structs of one client and judges an item by its first clock. A snapshot-aware
 * `toDelta` does this first, once per snapshot and transaction; it does not export that,
 * so an empty text's delta asks for it, and every read in the same transaction finds the
 * structs split (doing it here as well doubled the work: ~55 ms on the 10× document).
 */
function splitAt(doc: Y.Doc, base: Y.Snapshot, target: Y.Snapshot): void {
  doc.getText(SPLIT_PROBE).toDelta(target, base);
}

/** Whether two byte arrays hold the same bytes (4 at a time when both are aligned: a byte loop over 3 MB took ~45 ms). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.byteLength !== b.byteLength) return false;
  let i = 0;
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const words = a.byteLength >> 2;
    const wa = new Int32Array(a.buffer, a.byteOffset, words);
    const wb = new Int32Array(b.buffer, b.byteOffset, words);
    for (let w = 0; w < words; w++) if (wa[w] !== wb[w]) return false;
    i = words << 2;
  }
  for (; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Each state's parts, with a part both states have (two versions stored on one base) as
 * one array, so that it is read and applied once.
 */
function sharedParts(base: StateParts | null, target: StateParts): [Uint8Array[] | null, Uint8Array[]] {
  const seen: Uint8Array[] = [];
  const one = (part: Uint8Array): Uint8Array => {
    const same = seen.find((done) => sameBytes(done, part));
    if (same) return same;
    seen.push(part);
    return part;
  };
  return [base ? partsOf(base).map(one) : null, partsOf(target).map(one)];
}

/**
 * Applies the parts of a state to the merged document, each cut to what the document
 * lacks, skipping a part it applied already (see sharedParts). Refuses bytes Yjs cannot
 * read as decoding them on their own did.
 */
function applyParts(doc: Y.Doc, parts: readonly Uint8Array[], applied: Set<Uint8Array>, scans: PartScans): void {
  for (const part of parts) {
    if (applied.has(part)) continue;
    const have = Y.decodeStateVector(Y.encodeStateVector(doc));
    try {
      Y.applyUpdate(doc, (have.size > 0 && updateSince(part, have, scans)) || part);
    } catch (error) {
      throw new RangeError('not a Yjs update', { cause: error });
    }
    applied.add(part);
  }
}

/**
 * The title of a state: read from the merged document at its snapshot when the merge kept
 * all its content, else (the earlier state had collected content this one still shows: two
 * states off one linear history) from the state decoded on its own.
 */
function titleOf(merged: Y.Doc, state: StateParts, at: Y.Snapshot, intact: boolean): string {
  if (intact) return docTitle(merged, at);
  const [whole, ...since] = partsOf(state);
  const doc = decodeState(whole!);
  try {
    for (const part of since) Y.applyUpdate(doc, part);
    return docTitle(doc);
  } finally {
    doc.destroy();
  }
}

/**
 * The changes that lead from `base` to `target`, two snapshots (encoded states) of
 * one document; `base` null means the empty document. Works on garbage-collected
 * states: both are merged into one document that keeps deleted content, the earlier
 * state first so that content it still holds is not lost to the later state's
 * collected (emptied) copy of it, and the result is read through each state's
 * Yjs snapshot (state vector + delete set), itself read from the state's bytes, as is
 * the part of the later state that the earlier lacks: neither state is decoded on its
 * own. Each state may come in parts (see StateParts): they need not be merged first.
 * Throws a RangeError on bytes that are not a Yjs update.
 */
export function diffStates(baseState: StateParts | null, targetState: StateParts): StateDiff {
  const [base, target] = sharedParts(baseState, targetState);
  const scans: PartScans = new Map();
  const baseSnapshot = base ? stateSnapshot(base, scans) : Y.emptySnapshot;
  const targetSnapshot = stateSnapshot(target, scans);
  const baseFirst = isEarlier(baseSnapshot, targetSnapshot);
  const [first, second] = baseFirst ? [base, target] : [target, base];
  const [firstSnapshot, secondSnapshot] = baseFirst ? [baseSnapshot, targetSnapshot] : [targetSnapshot, baseSnapshot];
  const merged = new Y.Doc({ gc: false });
  try {
    const applied = new Set<Uint8Array>();
    if (first) applyParts(merged, first, applied, scans);
    if (second) applyParts(merged, second, applied, scans);
    // Show everything either state has: all clients up to the later clock, hiding only
    // what was already deleted in the earlier state (and so deleted in both).
    const sv = new Map(baseSnapshot.sv);
    for (const [client, clock] of targetSnapshot.sv) sv.set(client, Math.max(clock, sv.get(client) ?? 0));
    const union = new Y.Snapshot(firstSnapshot.ds, sv);
    // The earlier state's content is whole in the merged document; the later's, unless the earlier collected some of it.
    const secondIntact = deletionsKept(firstSnapshot.ds, secondSnapshot);
    // One transaction for all the reading: Yjs splits structs for a snapshot once per transaction.
    return Y.transact(
      merged,
      () => {
        splitAt(merged, baseSnapshot, targetSnapshot);
        const titles = {
          base: base ? titleOf(merged, base, baseSnapshot, baseFirst || secondIntact) : '',
          target: titleOf(merged, target, targetSnapshot, !baseFirst || secondIntact),
        };
        const { content, changes } = fragmentToJSON(merged.getXmlFragment(CONTENT_FRAGMENT), {
          mode: 'diff',
          base: baseSnapshot,
          target: targetSnapshot,
          union,
        });
        const merges = mergeAdjacentChanges(changes, (a, b) => a.client === b.client);
        const stats = { added: 0, removed: 0 };
        for (const change of merges) {
          if (change.type === 'added') stats.added += change.text.length;
          if (change.type === 'removed') stats.removed += change.text.length;
        }
        const doc = { type: 'doc', content: content.length > 0 ? content : [{ type: 'paragraph' }] };
        return { doc, changes: merges, stats, titles };
      },
      'cleanup',
    );
  } finally {
    merged.destroy();
  }
}
