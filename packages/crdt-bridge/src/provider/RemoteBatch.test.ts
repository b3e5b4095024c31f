import { describe, expect, it } from 'vitest';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { createRandom } from '../testing/random.js';
import { RemoteBatch, mergeAwarenessUpdates } from './RemoteBatch.js';

/** Everyone else's presence as `awareness` holds it, comparable with toEqual. */
function states(awareness: Awareness): [number, unknown][] {
  return [...awareness.getStates().entries()].filter(([id]) => id !== awareness.clientID).sort(([a], [b]) => a - b);
}

describe('mergeAwarenessUpdates', () => {
  it.each([1, 2, 3, 4, 5])('seed %i: one merged update leaves the same presence as the updates one by one', (seed) => {
    const random = createRandom(seed);
    const people = Array.from({ length: 4 }, () => new Awareness(new Y.Doc()));
    const updates: Uint8Array[] = [];
    for (let i = 0; i < 60; i++) {
      const person = random.pick(people);
      if (random.chance(0.1)) person.setLocalState(null);
      else person.setLocalState({ cursor: random.int(1000), name: `p${people.indexOf(person)}` });
      updates.push(encodeAwarenessUpdate(person, [person.clientID]));
    }
    const oneByOne = new Awareness(new Y.Doc());
    const merged = new Awareness(new Y.Doc());
    const changes: number[] = [];
    merged.on('change', () => changes.push(1));
    const cut = random.int(updates.length);
    for (const update of updates) applyAwarenessUpdate(oneByOne, update, 'remote');
    // In two batches, so a merged update also meets state left by an earlier one.
    applyAwarenessUpdate(merged, mergeAwarenessUpdates(updates.slice(0, cut)), 'remote');
    applyAwarenessUpdate(merged, mergeAwarenessUpdates(updates.slice(cut)), 'remote');
    expect(states(merged)).toEqual(states(oneByOne));
    expect(changes.length).toBeLessThanOrEqual(2);
  });
});

describe('RemoteBatch', () => {
  it('holds updates until the scheduler calls back, then applies them together, document first', () => {
    const scheduled: (() => void)[] = [];
    const applied: string[] = [];
    const batch = new RemoteBatch((flush) => scheduled.push(flush), {
      updates: (u) => applied.push(`updates ${u.length}`),
      awareness: () => applied.push('awareness'),
    });
    const presence = new Awareness(new Y.Doc());
    presence.setLocalState({ a: 1 });
    batch.pushAwareness(encodeAwarenessUpdate(presence, [presence.clientID]));
    batch.pushUpdate(new Uint8Array([1]));
    batch.pushUpdate(new Uint8Array([2]));
    expect(applied).toEqual([]);
    expect(scheduled).toHaveLength(1);
    scheduled[0]!();
    expect(applied).toEqual(['updates 2', 'awareness']);
    batch.pushUpdate(new Uint8Array([3]));
    expect(scheduled).toHaveLength(2);
  });
});
