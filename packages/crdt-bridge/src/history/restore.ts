import { updateYFragment } from 'y-prosemirror';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT, schema } from '../schema/schema.js';
import { META_MAP } from '../schema/title.js';
import { alignBlocks } from './align.js';
import { decodeState } from './snapshot.js';
import { fragmentToJSON } from './tree.js';
import type { NodeJSON } from './types.js';

/** The metadata y-prosemirror's diffing keeps; fresh each time, since no view maps our nodes. */
function freshMeta(): Parameters<typeof updateYFragment>[3] {
  return { mapping: new Map(), isOMark: new Map() };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Plain values of `meta`; nested shared types cannot move between documents and are left alone. */
function plainEntries(map: Y.Map<unknown>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  map.forEach((value, key) => {
    if (!(value instanceof Y.AbstractType)) out.set(key, value);
  });
  return out;
}

/** Makes `target`'s meta map hold `source`'s plain values (the title), inside the caller's transaction. */
function syncMeta(target: Y.Doc, source: Y.Doc): void {
  const want = plainEntries(source.getMap(META_MAP));
  const meta = target.getMap(META_MAP);
  const have = plainEntries(meta);
  for (const [key, value] of want) if (JSON.stringify(have.get(key)) !== JSON.stringify(value)) meta.set(key, value);
  for (const key of have.keys()) if (!want.has(key)) meta.delete(key);
}

/**
 * Runs `change` in one transaction on `target` with `origin`; returns whether it
 * changed anything (new content or deletions).
 */
function transactChange(target: Y.Doc, origin: unknown, change: () => void): boolean {
  const before = Y.encodeStateVector(target);
  let changed = false;
  Y.transact(
    target,
    (tr) => {
      change();
      changed = tr.deleteSet.clients.size > 0 || !sameBytes(before, Y.encodeStateVector(target));
    },
    origin,
  );
  return changed;
}

/**
 * Turns `target`'s content (body and title) into the content of `version` (an encoded
 * state of the same document) by one ordinary Yjs change, made in one transaction
 * with `origin`. It is a forward change, not a reset: it edits the current content
 * the way a person would (y-prosemirror's own diffing: unchanged blocks are kept, a
 * changed paragraph is edited in place), so peers apply it like any remote edit and
 * their undo stacks, cursors and unrelated concurrent edits survive.
 * Returns false, changing nothing, when the content is already equal.
 */
export function restoreState(target: Y.Doc, version: Uint8Array, origin: unknown = null): boolean {
  const source = decodeState(version);
  try {
    const { content } = fragmentToJSON(source.getXmlFragment(CONTENT_FRAGMENT), { mode: 'plain' });
    return transactChange(target, origin, () => {
      reshapeBody(target, content);
      syncMeta(target, source);
    });
  } finally {
    source.destroy();
  }
}

/**
 * Turns the body's blocks into `content` touching as few as possible: equal blocks are
 * kept, changed ones edited in place by y-prosemirror's diffing, the rest deleted or
 * inserted. (Handing the whole body to y-prosemirror instead edits neighbours in place
 * rather than inserting once its matching stops at an empty line, so the change — and
 * its preview — landed on other paragraphs.)
 */
function reshapeBody(target: Y.Doc, content: readonly NodeJSON[]): void {
  const fragment = target.getXmlFragment(CONTENT_FRAGMENT);
  const live = fragmentToJSON(fragment, { mode: 'plain' });
  // What the editor cannot show (unknown or misplaced children) goes, as a restore leaves only the version's blocks.
  const shown = new Set<unknown>(live.elements);
  fragment.toArray().forEach((child, i, all) => {
    const at = all.length - 1 - i;
    if (!shown.has(all[at])) fragment.delete(at, 1);
  });
  const key = (block: NodeJSON | undefined): string => JSON.stringify(block);
  let shift = 0;
  let pos = 0;
  const insert = (at: number, block: NodeJSON): void => {
    const node = schema.nodeFromJSON(block);
    const fresh = new Y.XmlElement(node.type.name);
    fragment.insert(at, [fresh]);
    updateYFragment(target, fresh, node, freshMeta());
  };
  for (const step of alignBlocks(live.content.map(key), content.map(key))) {
    if (step.op === 'insert') {
      insert(pos++, content[step.to]!);
      shift++;
      continue;
    }
    const at = step.from + shift;
    if (step.op === 'delete') {
      fragment.delete(at, 1);
      shift--;
      continue;
    }
    pos = at + 1;
    if (step.op === 'keep') continue;
    const element = live.elements[step.from]!;
    const node = schema.nodeFromJSON(content[step.to]!);
    if (element.nodeName === node.type.name) updateYFragment(target, element, node, freshMeta());
    else {
      fragment.delete(at, 1);
      insert(at, content[step.to]!);
    }
  }
}

/**
 * Restores one top-level block (`index` among the version's blocks) into `target`,
 * leaving everything else as it is now, as one Yjs change with `origin`. The block is
 * found in the current content by identity (the Yjs item it still is), so it is
 * restored where it now stands even if everything around it changed; a block deleted
 * since is put back after the nearest earlier block of the version that still exists.
 * Returns false when the block is already as in the version. Throws a RangeError for
 * an index the version does not have.
 */
export function restoreBlock(target: Y.Doc, version: Uint8Array, index: number, origin: unknown = null): boolean {
  const source = decodeState(version);
  try {
    const old = fragmentToJSON(source.getXmlFragment(CONTENT_FRAGMENT), { mode: 'plain' });
    const block = old.content[index];
    if (!Number.isInteger(index) || block === undefined) {
      throw new RangeError(`block ${index} does not exist; the version has ${old.content.length} blocks`);
    }
    const fragment = target.getXmlFragment(CONTENT_FRAGMENT);
    const live = fragmentToJSON(fragment, { mode: 'plain' });
    const liveIndexOf = (element: Y.XmlElement | undefined): number => {
      const id = element?._item?.id;
      return id ? live.elements.findIndex((e) => e._item !== null && Y.compareIDs(e._item.id, id)) : -1;
    };
    const at = liveIndexOf(old.elements[index]);
    if (at >= 0 && JSON.stringify(live.content[at]) === JSON.stringify(block)) return false;
    let anchor = -1;
    for (let i = index - 1; i >= 0 && anchor < 0 && at < 0; i--) anchor = liveIndexOf(old.elements[i]);
    const node = schema.nodeFromJSON(block);
    // Only this block is touched. Diffing the whole body instead (updateYFragment on the
    // fragment) can edit neighbours in place rather than insert — it stops matching at an
    // empty line — so the change and its diff would land on other paragraphs.
    return transactChange(target, origin, () => {
      const existing = at >= 0 ? live.elements[at]! : null;
      if (existing && existing.nodeName === node.type.name) {
        updateYFragment(target, existing, node, freshMeta());
        return;
      }
      const children = fragment.toArray();
      const place = existing
        ? children.indexOf(existing)
        : anchor >= 0
          ? children.indexOf(live.elements[anchor]!) + 1
          : 0;
      if (existing) fragment.delete(place, 1);
      const fresh = new Y.XmlElement(node.type.name);
      fragment.insert(place, [fresh]);
      updateYFragment(target, fresh, node, freshMeta());
    });
  } finally {
    source.destroy();
  }
}

/** How many top-level blocks a version has: the indexes {@link restoreBlock} accepts are 0 to this minus 1. */
export function blockCount(version: Uint8Array): number {
  const source = decodeState(version);
  try {
    return fragmentToJSON(source.getXmlFragment(CONTENT_FRAGMENT), { mode: 'plain' }).content.length;
  } finally {
    source.destroy();
  }
}

/**
 * The Yjs update that turns the content of `current` into that of `version` (both
 * encoded states of one document), or null when they already hold the same content.
 * For tools and tests; the server applies {@link restoreState} to its live document.
 */
export function restoreUpdate(current: Uint8Array, version: Uint8Array): Uint8Array | null {
  const doc = decodeState(current);
  let update: Uint8Array | null = null;
  doc.on('update', (u: Uint8Array) => (update = u));
  try {
    return restoreState(doc, version) ? update : null;
  } finally {
    doc.destroy();
  }
}
