import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { unpackState } from '../storage/rowCodec.js';
import { packVersionState, type Packing } from '../storage/versionPacking.js';
import { packerOn } from './versionPacker.js';
import { WorkerPool } from './WorkerPool.js';

const log = pino({ level: 'silent' });
let pool: WorkerPool | null = null;
afterEach(async () => {
  await pool?.close();
  pool = null;
});

/** A document state with `paragraphs` paragraphs of text. */
function stateOf(paragraphs: number): Uint8Array {
  const doc = new Y.Doc();
  const text = doc.getText('t');
  for (let i = 0; i < paragraphs; i++) text.insert(text.length, `paragraph ${i}\n`);
  return Y.encodeStateAsUpdate(doc);
}

/** The whole state a packing stands for, given its base's state. */
function unpacked(packing: Packing, base: Uint8Array | null): Uint8Array {
  const own = unpackState({ parts: [{ data: packing.data, codec: packing.codec }] });
  return packing.kind === 'delta' ? Y.mergeUpdates([base!, own]) : own;
}

describe('packing versions on a worker', () => {
  it('packs on the pool, as the calling thread would, and leaves the caller its bytes', async () => {
    pool = new WorkerPool({ threads: 1, timeoutMs: 60_000, memoryMb: 256, queueMax: 8, log });
    const base = stateOf(50);
    const state = Y.mergeUpdates([base, stateOf(1)]);
    const copy = state.slice();
    const candidate = { id: 7, stateVector: Y.encodeStateVectorFromUpdate(base), versions: 1 };
    const onWorker = await packerOn(pool, log)(state, candidate);
    const here = await packVersionState(state, candidate);
    expect(onWorker.kind).toBe(here.kind);
    expect(unpacked(onWorker, base)).toEqual(unpacked(here, base));
    // The state may be the room's cached encoding: it must not be transferred away.
    expect(state).toEqual(copy);
  });

  it('packs on the calling thread when the pool cannot take the job', async () => {
    pool = new WorkerPool({ threads: 1, timeoutMs: 60_000, memoryMb: 256, queueMax: 8, log });
    await pool.close();
    const state = stateOf(3);
    const packing = await packerOn(pool, log)(state, null);
    expect(packing.kind).toBe('base');
    expect(unpacked(packing, null)).toEqual(state);
  });
});
