import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from '../schema/schema.js';
import { docTitle } from '../schema/title.js';
import { decodeState } from './snapshot.js';
import { fragmentToJSON } from './tree.js';
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

/**
 * The changes that lead from `base` to `target`, two snapshots (encoded states) of
 * one document; `base` null means the empty document. Works on garbage-collected
 * states: both are merged into one document that keeps deleted content, the earlier
 * state first so that content it still holds is not lost to the later state's
 * collected (emptied) copy of it, and the result is read through each state's
 * Yjs snapshot (state vector + delete set). Throws a RangeError on bytes that are
 * not a Yjs update.
 */
export function diffStates(base: Uint8Array | null, target: Uint8Array): StateDiff {
  const baseDoc = base ? decodeState(base) : null;
  const targetDoc = decodeState(target);
  const merged = new Y.Doc({ gc: false });
  try {
    const baseSnapshot = baseDoc ? Y.snapshot(baseDoc) : Y.emptySnapshot;
    const targetSnapshot = Y.snapshot(targetDoc);
    const baseFirst = isEarlier(baseSnapshot, targetSnapshot);
    const [first, second] = baseFirst ? [base, target] : [target, base];
    if (first) Y.applyUpdate(merged, first);
    if (second) Y.applyUpdate(merged, second);
    // Show everything either state has: all clients up to the later clock, hiding only
    // what was already deleted in the earlier state (and so deleted in both).
    const sv = new Map(baseSnapshot.sv);
    for (const [client, clock] of targetSnapshot.sv) sv.set(client, Math.max(clock, sv.get(client) ?? 0));
    const union = new Y.Snapshot((baseFirst ? baseSnapshot : targetSnapshot).ds, sv);
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
    return {
      doc: { type: 'doc', content: content.length > 0 ? content : [{ type: 'paragraph' }] },
      changes: merges,
      stats,
      titles: { base: baseDoc ? docTitle(baseDoc) : '', target: docTitle(targetDoc) },
    };
  } finally {
    baseDoc?.destroy();
    targetDoc.destroy();
    merged.destroy();
  }
}
