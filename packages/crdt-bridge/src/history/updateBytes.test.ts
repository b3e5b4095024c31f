import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from '../schema/schema.js';
import { docTitle, setStoredTitle } from '../schema/title.js';
import { createRandom, type Random } from '../testing/random.js';
import { diffStates } from './diff.js';
import { decodeState, encodeState } from './snapshot.js';
import { stateSnapshot, updateSince } from './updateBytes.js';

/** Text with characters of every UTF-8 width: ASCII, 2 and 3 bytes, and a surrogate pair (4 bytes). */
const WORDS = ['a', 'bc', 'déf', 'ümlaut', '€uro', '日本', '😀', 'x😀y', 'Ω'];

/** One random edit: text typed or deleted with marks, a paragraph added or removed, a title or attribute set. */
function randomEdit(doc: Y.Doc, random: Random): void {
  const body = doc.getXmlFragment(CONTENT_FRAGMENT);
  const roll = random.int(12);
  if (body.length === 0 || roll === 0) {
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText(random.pick(WORDS))]);
    body.insert(random.int(body.length + 1), [p]);
    return;
  }
  if (roll === 1) return setStoredTitle(doc, random.pick(WORDS));
  const i = random.int(body.length);
  if (roll === 2) return body.delete(i, 1);
  const paragraph = body.get(i) as Y.XmlElement;
  if (roll === 3) return paragraph.setAttribute('align', random.pick(['left', 'center']));
  if (paragraph.length === 0) paragraph.insert(0, [new Y.XmlText()]);
  const text = paragraph.get(0) as Y.XmlText;
  if (roll === 4 && text.length > 0) return text.format(random.int(text.length), 1, { strong: {} });
  if (roll < 8 || text.length === 0) return text.insert(random.int(text.length + 1), random.pick(WORDS));
  const at = random.int(text.length);
  text.delete(at, random.between(1, Math.min(4, text.length - at)));
}

/** Three documents with fixed client ids derived from `seed`. */
function threePeers(seed: number): Y.Doc[] {
  return [1, 2, 3].map((client) => {
    const doc = new Y.Doc();
    doc.clientID = client * 1000 + seed;
    return doc;
  });
}

/** States of three peers editing at random, synced now and then: with and without deletions, garbage-collected. */
function randomStates(seed: number): Uint8Array[] {
  const random = createRandom(seed);
  const peers = threePeers(seed);
  const states: Uint8Array[] = [];
  for (let step = 0; step < 90; step++) {
    randomEdit(random.pick(peers), random);
    if (random.chance(0.3)) Y.applyUpdate(random.pick(peers), Y.encodeStateAsUpdate(random.pick(peers)));
    if (step % 6 === 5) states.push(encodeState(random.pick(peers)));
  }
  return states;
}

/** States of one document over time (peers synced before each): each holds the one before, as versions do. */
function linearStates(seed: number): Uint8Array[] {
  const random = createRandom(seed);
  const peers = threePeers(seed);
  const states: Uint8Array[] = [];
  for (let step = 0; step < 90; step++) {
    randomEdit(random.pick(peers), random);
    if (step % 6 !== 5) continue;
    for (const a of peers) for (const b of peers) Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    states.push(encodeState(peers[0]!));
  }
  return states;
}

/** Yjs's own snapshot of a state: decode it, take the snapshot. */
function decodedSnapshot(state: Uint8Array): Y.Snapshot {
  const doc = decodeState(state);
  try {
    return Y.snapshot(doc);
  } finally {
    doc.destroy();
  }
}

describe('the snapshot of a state, read from its bytes', () => {
  it('equals Yjs’s snapshot of the decoded document for random garbage-collected states', () => {
    for (const seed of [1, 2, 3, 4]) {
      const states = randomStates(seed);
      expect(states.some((s) => decodedSnapshot(s).ds.clients.size > 0)).toBe(true);
      for (const [i, state] of states.entries()) {
        expect(Y.equalSnapshots(stateSnapshot(state), decodedSnapshot(state)), `seed ${seed}, state ${i}`).toBe(true);
      }
      // Merged updates, as a stored version is unpacked from a base and a delta.
      const merged = Y.mergeUpdates([
        states[2]!,
        Y.diffUpdate(states.at(-1)!, Y.encodeStateVectorFromUpdate(states[2]!)),
      ]);
      expect(Y.equalSnapshots(stateSnapshot(merged), decodedSnapshot(merged))).toBe(true);
    }
  });

  it('equals it for states whose delete set is empty, and for the empty document', () => {
    const doc = new Y.Doc();
    doc.getXmlFragment(CONTENT_FRAGMENT).push([new Y.XmlElement('paragraph')]);
    (doc.getXmlFragment(CONTENT_FRAGMENT).get(0) as Y.XmlElement).insert(0, [new Y.XmlText('x😀y')]);
    const state = encodeState(doc);
    expect(decodedSnapshot(state).ds.clients.size).toBe(0);
    expect(Y.equalSnapshots(stateSnapshot(state), decodedSnapshot(state))).toBe(true);
    const empty = encodeState(new Y.Doc());
    expect(Y.equalSnapshots(stateSnapshot(empty), decodedSnapshot(empty))).toBe(true);
    expect(stateSnapshot(empty).sv.size).toBe(0);
  });

  it('counts a surrogate pair as two clock ticks, as Yjs does', () => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, '😀é');
    expect(stateSnapshot(encodeState(doc)).sv.get(doc.clientID)).toBe(3);
  });

  it('refuses bytes that are not a Yjs update', () => {
    expect(() => stateSnapshot(new Uint8Array([1, 2, 3, 4, 5]))).toThrow(RangeError);
    const state = randomStates(1).at(-1)!;
    expect(() => stateSnapshot(state.subarray(0, state.length >> 1))).toThrow(RangeError);
  });
});

describe('a state in parts', () => {
  it('has the snapshot of its merged update, stored as a base and a delta or as a document’s updates in order', () => {
    for (const seed of [1, 2]) {
      const states = linearStates(seed);
      for (let i = 0; i + 3 < states.length; i += 2) {
        const [base, later] = [states[i]!, states[i + 3]!];
        const stored = [base, Y.diffUpdate(later, Y.encodeStateVectorFromUpdate(base))];
        const merged = Y.mergeUpdates(stored);
        expect(Y.equalSnapshots(stateSnapshot(stored), decodedSnapshot(merged)), `seed ${seed}, ${i}`).toBe(true);
      }
    }
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => updates.push(update));
    const random = createRandom(7);
    for (let i = 0; i < 60; i++) randomEdit(doc, random);
    expect(Y.equalSnapshots(stateSnapshot(updates), Y.snapshot(doc))).toBe(true);
  });

  it('diffs as its merged update does', () => {
    const states = linearStates(3);
    const [a, b] = [states[4]!, states.at(-1)!];
    const storedB = [a, Y.diffUpdate(b, Y.encodeStateVectorFromUpdate(a))];
    const whole = diffStates(a, Y.mergeUpdates(storedB));
    expect(diffStates([a], storedB)).toEqual(whole);
    expect(diffStates(storedB, [a.slice()])).toEqual(diffStates(Y.mergeUpdates(storedB), a));
    expect(whole.changes.length).toBeGreaterThan(0);
  });
});

describe('the part of an update a document lacks', () => {
  it('does to a document at the earlier state what the whole later update would', () => {
    for (const seed of [1, 2, 3]) {
      const states = randomStates(seed);
      let cut = 0;
      for (let i = 0; i + 1 < states.length; i++) {
        const [earlier, later] = [states[i]!, states[i + 1]!];
        const part = updateSince(later, Y.decodeStateVector(Y.encodeStateVectorFromUpdate(earlier)));
        if (part === null) continue;
        cut++;
        const whole = new Y.Doc({ gc: false });
        Y.applyUpdate(whole, earlier);
        Y.applyUpdate(whole, later);
        const sliced = new Y.Doc({ gc: false });
        Y.applyUpdate(sliced, earlier);
        Y.applyUpdate(sliced, part);
        expect(Y.encodeStateAsUpdate(sliced), `seed ${seed}, ${i} → ${i + 1}`).toEqual(Y.encodeStateAsUpdate(whole));
        expect(part.byteLength).toBeLessThanOrEqual(later.byteLength);
      }
      expect(cut).toBeGreaterThan(0);
    }
  });

  it('is null when a struct spans the state vector’s clock (it would have to be split)', () => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'abcdef');
    const state = encodeState(doc);
    expect(updateSince(state, new Map([[doc.clientID, 3]]))).toBeNull();
    const since = updateSince(state, new Map([[doc.clientID, 6]]))!;
    expect(Y.decodeUpdate(since).structs).toEqual([]);
  });
});

/** A state's title as read from the state decoded on its own (what a diff read before it read the merged document). */
function decodedTitle(state: Uint8Array): string {
  const doc = decodeState(state);
  try {
    return docTitle(doc);
  } finally {
    doc.destroy();
  }
}

describe('a diff’s titles, read from the merged document at each side’s snapshot', () => {
  it('equal each state’s own title, for random states either way round', () => {
    for (const seed of [1, 2, 3]) {
      const states = randomStates(seed);
      const titles = states.map(decodedTitle);
      expect(new Set(titles).size).toBeGreaterThan(2);
      for (let i = 0; i < states.length; i += 2) {
        for (let j = 0; j < states.length; j += 3) {
          const diff = diffStates(states[i]!, states[j]!);
          expect(diff.titles, `seed ${seed}: ${i} → ${j}`).toEqual({ base: titles[i], target: titles[j] });
        }
      }
      expect(diffStates(null, states[4]!).titles).toEqual({ base: '', target: titles[4] });
    }
  });

  it('equal it when the earlier state collected a line the later one still shows (states of two branches)', () => {
    const writer = new Y.Doc();
    const body = writer.getXmlFragment(CONTENT_FRAGMENT);
    const line = new Y.XmlElement('paragraph');
    line.insert(0, [new Y.XmlText('First line')]);
    body.push([line]);
    const other = new Y.Doc();
    Y.applyUpdate(other, encodeState(writer));
    body.delete(0, 1); // a deletion adds no clock: this state still counts as the earlier one
    const typed = new Y.XmlElement('paragraph');
    typed.insert(0, [new Y.XmlText('typed on the other branch')]);
    other.getXmlFragment(CONTENT_FRAGMENT).push([typed]);
    const [collected, kept] = [encodeState(writer), encodeState(other)];
    expect(decodedTitle(kept)).toBe('First line');
    expect(diffStates(collected, kept).titles).toEqual({ base: '', target: 'First line' });
    expect(diffStates(kept, collected).titles).toEqual({ base: 'First line', target: '' });
  });
});
