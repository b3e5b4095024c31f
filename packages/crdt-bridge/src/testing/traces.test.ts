import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { TraceReplay, mergeMany, replayLocally, replayThroughDocs, type ConcurrentTrace } from './traces.js';

/**
 * Two agents: 0 types "abc"; then, concurrently, 1 inserts "X" after "a" and 0 appends
 * "Y"; then 1, having seen both, appends "!" and deletes "b".
 */
const TINY: ConcurrentTrace = {
  kind: 'concurrent',
  numAgents: 2,
  endContent: 'aXcY!',
  txns: [
    { agent: 0, parents: [], patches: [[0, 0, 'abc']] },
    { agent: 1, parents: [0], patches: [[1, 0, 'X']] },
    { agent: 0, parents: [0], patches: [[3, 0, 'Y']] },
    {
      agent: 1,
      parents: [1, 2],
      patches: [
        [5, 0, '!'],
        [2, 1, ''],
      ],
    },
  ],
};

describe('concurrent trace replay', () => {
  it('applies each transaction on exactly the state it was made on', () => {
    expect(replayLocally(TINY)).toBe('aXcY!');
  });

  it('replays a prefix, which merges the concurrent edits made so far', () => {
    expect(replayLocally(TINY, 1)).toBe('abc');
    expect(replayLocally(TINY, 3)).toBe('aXbcY');
  });

  it('refuses a trace whose agent skips its own previous transaction', () => {
    const broken: ConcurrentTrace = {
      ...TINY,
      txns: [
        { agent: 0, parents: [], patches: [[0, 0, 'a']] },
        { agent: 0, parents: [], patches: [[0, 0, 'b']] },
      ],
    };
    expect(() => new TraceReplay(broken)).toThrow(/previous transaction/);
  });

  it('refuses a parent that comes later in the trace', () => {
    const broken: ConcurrentTrace = { ...TINY, txns: [{ agent: 0, parents: [1], patches: [] }] };
    expect(() => new TraceReplay(broken)).toThrow(/later parent/);
  });

  it('through separate documents, waits for what each agent builds on to arrive', async () => {
    // Two documents linked by a slow in-memory "network" that delivers on a later turn.
    const docs = [new Y.Doc(), new Y.Doc()];
    const RELAY = Symbol('relay');
    let delivered = 0;
    docs.forEach((doc, i) =>
      doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin === RELAY) return;
        const other = docs[1 - i]!;
        setTimeout(() => {
          delivered++;
          Y.applyUpdate(other, update, RELAY);
        }, 2);
      }),
    );
    const replay = new TraceReplay(TINY);
    await replayThroughDocs(replay, docs);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(delivered).toBe(4);
    for (const doc of docs) expect(doc.getText('t').toString()).toBe('aXcY!');
  });

  it('merges many updates into one equivalent update', () => {
    const source = new Y.Doc();
    const updates: Uint8Array[] = [];
    source.on('update', (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < 100; i++) source.getText('t').insert(i, String(i % 10));
    const merged = new Y.Doc();
    Y.applyUpdate(merged, mergeMany(updates));
    expect(merged.getText('t').toString()).toBe(source.getText('t').toString());
  });
});
