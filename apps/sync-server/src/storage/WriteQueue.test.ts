import fs from 'node:fs';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InstrumentedStore, createGate } from '../../test/stores.js';
import { tempDataDir, waitFor } from '../../test/helpers.js';
import { WriteQueue, type WriteQueueHooks } from './WriteQueue.js';

const log = pino({ level: 'silent' });

let dataDir: string;
let store: InstrumentedStore;

/** Rows in the log, oldest first, as the bytes' first value (each test update is one recognisable byte). */
function storedRows(docId?: string): number[] {
  const rows =
    docId === undefined
      ? store.inner.db.prepare<[], { data: Buffer }>('SELECT data FROM updates ORDER BY seq').all()
      : store.inner.db
          .prepare<[string], { data: Buffer }>('SELECT data FROM updates WHERE doc_id = ? ORDER BY seq')
          .all(docId);
  return rows.map((r) => r.data[0]!);
}

function bytes(marker: number): Uint8Array {
  return new Uint8Array([marker, 0, 0]);
}

/** Resolves after the current event-loop turn (and any setImmediate queued before it). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

beforeEach(async () => {
  dataDir = tempDataDir();
  store = InstrumentedStore.inDir(dataDir);
  for (const docId of ['a', 'b', 'c']) await store.ensure(docId, Date.now());
});

afterEach(async () => {
  await store.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('group commit', () => {
  it('writes every update enqueued in one turn in a single append', async () => {
    const queue = new WriteQueue(store, log);
    for (let i = 0; i < 60; i++) queue.enqueue(['a', 'b', 'c'][i % 3]!, bytes(i));
    await queue.durable();
    expect(store.appendSizes).toEqual([60]);
    expect(storedRows()).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });

  it('reports rows, bytes and the last sequence number per document once committed', async () => {
    const committed: { docId: string; lastSeq: number; rows: number; bytes: number }[] = [];
    const hooks: WriteQueueHooks = {
      committed: (docId, lastSeq, rows, b) => committed.push({ docId, lastSeq, rows, bytes: b }),
    };
    const queue = new WriteQueue(store, log, hooks);
    queue.enqueue('a', bytes(1));
    queue.enqueue('b', new Uint8Array(10));
    queue.enqueue('a', bytes(2));
    await queue.durable();
    const maxSeq = (docId: string): number =>
      store.inner.db.prepare<[string], { s: number }>('SELECT MAX(seq) AS s FROM updates WHERE doc_id = ?').get(docId)!
        .s;
    expect(committed).toEqual([
      { docId: 'a', lastSeq: maxSeq('a'), rows: 2, bytes: 6 },
      { docId: 'b', lastSeq: maxSeq('b'), rows: 1, bytes: 10 },
    ]);
  });

  it('gathers what arrives during a commit into the next one, keeping order', async () => {
    const queue = new WriteQueue(store, log);
    const gate = createGate();
    store.gates.append = gate;
    queue.enqueue('a', bytes(1));
    await waitFor(() => store.calls.append === 1, 'the first commit starts');
    queue.enqueue('a', bytes(2));
    queue.enqueue('b', bytes(3));
    await nextTurn();
    expect(store.calls.append).toBe(1);
    gate.open();
    await queue.durable();
    expect(store.appendSizes).toEqual([1, 2]);
    expect(storedRows()).toEqual([1, 2, 3]);
  });

  it('with a commit delay, gathers updates from several turns into one append', async () => {
    const queue = new WriteQueue(store, log, {}, { delayMs: 20 });
    queue.enqueue('a', bytes(1));
    await nextTurn();
    queue.enqueue('a', bytes(2));
    await queue.durable();
    expect(store.appendSizes).toEqual([2]);
  });

  it('commits at once on flushNow, without waiting for the turn to end', async () => {
    const queue = new WriteQueue(store, log);
    queue.enqueue('c', bytes(9));
    await queue.flushNow();
    expect(storedRows('c')).toEqual([9]);
  });

  it('knows which documents have updates not yet committed', async () => {
    const queue = new WriteQueue(store, log);
    queue.enqueue('a', bytes(1));
    expect(queue.hasPending('a')).toBe(true);
    expect(queue.hasPending('b')).toBe(false);
    await queue.durable();
    expect(queue.hasPending('a')).toBe(false);
  });
});

describe('whenDurable', () => {
  it('fires at once when nothing is pending', () => {
    const queue = new WriteQueue(store, log);
    let fired = false;
    queue.whenDurable(() => (fired = true));
    expect(fired).toBe(true);
  });

  it('fires only after everything enqueued before it is committed, and in the order asked', async () => {
    const queue = new WriteQueue(store, log);
    const gate = createGate();
    store.gates.append = gate;
    const seen: string[] = [];
    queue.enqueue('a', bytes(1));
    queue.whenDurable(() => seen.push(`first, rows=${storedRows().join(',')}`));
    await waitFor(() => store.calls.append === 1, 'the first commit starts');
    queue.enqueue('a', bytes(2));
    queue.whenDurable(() => seen.push(`second, rows=${storedRows().join(',')}`));
    // Asked while the second update waits behind the first commit: must wait for the second too.
    await nextTurn();
    expect(seen).toEqual([]);
    gate.open();
    await queue.durable();
    expect(seen).toEqual(['first, rows=1', 'second, rows=1,2']);
  });

  it('asked during a commit with nothing new queued, fires when that commit lands', async () => {
    const queue = new WriteQueue(store, log);
    const gate = createGate();
    store.gates.append = gate;
    queue.enqueue('b', bytes(5));
    await waitFor(() => store.calls.append === 1, 'the commit starts');
    let fired = false;
    queue.whenDurable(() => (fired = storedRows('b').length === 1));
    await nextTurn();
    expect(fired).toBe(false);
    gate.open();
    await queue.durable();
    expect(fired).toBe(true);
  });
});

describe('a failed commit', () => {
  it('is retried, acknowledges nothing meanwhile, and then commits everything in order', async () => {
    const failed: string[][] = [];
    const recovered: string[][] = [];
    const queue = new WriteQueue(
      store,
      log,
      { failed: (_err, docIds) => failed.push([...docIds]), recovered: (docIds) => recovered.push([...docIds]) },
      { retryMinMs: 5, retryMaxMs: 20 },
    );
    store.failAppends = new Error('disk full');
    let durable = false;
    queue.enqueue('a', bytes(1));
    queue.whenDurable(() => (durable = true));
    await waitFor(() => store.failedAppends >= 3, 'several attempts fail');
    expect(durable).toBe(false);
    expect(queue.isFailing).toBe(true);
    expect(queue.hasPending('a')).toBe(true);
    expect(failed[0]).toEqual(['a']);
    expect(storedRows()).toEqual([]);

    // Updates arriving while storage fails queue behind the failed batch.
    queue.enqueue('b', bytes(2));
    queue.enqueue('a', bytes(3));
    store.failAppends = null;
    await waitFor(() => durable, 'the retried batch commits');
    await queue.durable();
    expect(storedRows()).toEqual([1, 2, 3]);
    expect(queue.isFailing).toBe(false);
    expect(queue.hasPending('a')).toBe(false);
    expect(queue.hasPending('b')).toBe(false);
    expect(recovered.length).toBe(1);
    // The successful attempt carried the failed batch and the later updates together.
    expect(store.appendSizes.at(-1)).toBe(3);
  });

  it('recovers for good: later updates commit normally', async () => {
    const queue = new WriteQueue(store, log, {}, { retryMinMs: 5 });
    store.failAppends = new Error('locked');
    queue.enqueue('a', bytes(1));
    await waitFor(() => store.failedAppends >= 1, 'an attempt fails');
    store.failAppends = null;
    await queue.durable();
    const callsAfterRecovery = store.calls.append;
    queue.enqueue('a', bytes(2));
    await queue.durable();
    expect(store.calls.append).toBe(callsAfterRecovery + 1);
    expect(storedRows('a')).toEqual([1, 2]);
  });
});
