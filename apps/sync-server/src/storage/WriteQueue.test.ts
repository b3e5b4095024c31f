import fs from 'node:fs';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InstrumentedStore, createGate } from '../../test/stores.js';
import { tempDataDir, waitFor } from '../../test/helpers.js';
import { StorageUnavailableError } from './storageErrors.js';
import { WriteQueue, type CommittedWrites } from './WriteQueue.js';

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
    // Each document's updates in the order they came (documents are written one after another).
    for (const [d, docId] of ['a', 'b', 'c'].entries())
      expect(storedRows(docId)).toEqual(Array.from({ length: 20 }, (_, i) => i * 3 + d));
  });

  it('tells its subscribers the rows, bytes and last sequence number per document once committed', async () => {
    const committed: (CommittedWrites & { docId: string })[] = [];
    const queue = new WriteQueue(store, log);
    queue.onCommitted((docId, writes) => committed.push({ docId, ...writes }));
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
    expect(storedRows('a')).toEqual([1, 2]);
    expect(storedRows('b')).toEqual([3]);
  });

  it('with a commit delay, gathers updates from several turns into one append', async () => {
    const queue = new WriteQueue(store, log, { delayMs: 20 });
    queue.enqueue('a', bytes(1));
    await nextTurn();
    queue.enqueue('a', bytes(2));
    await queue.durable();
    expect(store.appendSizes).toEqual([2]);
  });

  it('knows which documents have updates not yet committed', async () => {
    const queue = new WriteQueue(store, log);
    queue.enqueue('a', bytes(1));
    expect(queue.hasPending('a')).toBe(true);
    expect(queue.hasPending('b')).toBe(false);
    expect(queue.pendingDocuments()).toEqual(['a']);
    await queue.durable();
    expect(queue.hasPending('a')).toBe(false);
  });
});

describe('durability tickets', () => {
  it('for a document with nothing queued are durable at once', () => {
    const queue = new WriteQueue(store, log);
    let fired = false;
    queue.ticketFor('a').whenDurable(() => (fired = true));
    expect(fired).toBe(true);
  });

  it('come true only once their update is committed, in the order they were asked', async () => {
    const queue = new WriteQueue(store, log);
    const gate = createGate();
    store.gates.append = gate;
    const seen: string[] = [];
    const first = queue.enqueue('a', bytes(1));
    first.whenDurable(() => seen.push(`first, rows=${storedRows().join(',')}`));
    await waitFor(() => store.calls.append === 1, 'the first commit starts');
    const second = queue.enqueue('a', bytes(2));
    second.whenDurable(() => seen.push(`second, rows=${storedRows().join(',')}`));
    // The second update waits behind the first commit: its ticket must wait for the second commit.
    await nextTurn();
    expect(seen).toEqual([]);
    expect(first.isDurable).toBe(false);
    gate.open();
    await queue.durable();
    expect(seen).toEqual(['first, rows=1', 'second, rows=1,2']);
  });

  it('asked for a document while its commit runs, come true when that commit lands', async () => {
    const queue = new WriteQueue(store, log);
    const gate = createGate();
    store.gates.append = gate;
    queue.enqueue('b', bytes(5));
    await waitFor(() => store.calls.append === 1, 'the commit starts');
    let fired = false;
    queue.ticketFor('b').whenDurable(() => (fired = storedRows('b').length === 1));
    await nextTurn();
    expect(fired).toBe(false);
    gate.open();
    await queue.durable();
    expect(fired).toBe(true);
  });

  it('for one document do not wait for another document’s updates', async () => {
    const queue = new WriteQueue(store, log);
    queue.enqueue('a', bytes(1));
    expect(queue.ticketFor('b').isDurable).toBe(true);
    expect(queue.ticketFor('a').isDurable).toBe(false);
    await queue.durable();
  });
});

describe('a failed commit', () => {
  it('is retried, acknowledges nothing meanwhile, and then commits everything in order', async () => {
    const failed: string[][] = [];
    const queue = new WriteQueue(store, log, { retryMinMs: 5, retryMaxMs: 20 });
    queue.onFailed((docIds) => failed.push([...docIds]));
    store.failAppends = new Error('disk full');
    const ticket = queue.enqueue('a', bytes(1));
    await waitFor(() => store.failedAppends >= 3, 'several attempts fail');
    expect(ticket.isDurable).toBe(false);
    expect(queue.isFailing).toBe(true);
    expect(queue.hasPending('a')).toBe(true);
    expect(failed[0]).toEqual(['a']);
    expect(storedRows()).toEqual([]);

    // Updates arriving while storage fails queue behind the failed ones.
    queue.enqueue('b', bytes(2));
    queue.enqueue('a', bytes(3));
    store.failAppends = null;
    await ticket.durable();
    await queue.durable();
    expect(storedRows('a')).toEqual([1, 3]);
    expect(storedRows('b')).toEqual([2]);
    expect(queue.isFailing).toBe(false);
    expect(queue.hasPending('a')).toBe(false);
    expect(queue.hasPending('b')).toBe(false);
  });

  it('of one document holds only that document: the others are committed and acknowledged', async () => {
    const failed: string[][] = [];
    const queue = new WriteQueue(store, log, { retryMinMs: 5, retryMaxMs: 20 });
    queue.onFailed((docIds) => failed.push([...docIds]));
    store.failAppendsOf.set('b', new Error('FOREIGN KEY constraint failed'));
    const [a, b, c] = (['a', 'b', 'c'] as const).map((docId, i) => queue.enqueue(docId, bytes(i)));
    await a!.durable();
    await c!.durable();
    expect(b!.isDurable).toBe(false);
    expect(storedRows('a')).toEqual([0]);
    expect(storedRows('c')).toEqual([2]);
    expect(failed.flat()).toEqual(expect.arrayContaining(['b']));
    expect(failed.flat()).not.toContain('a');
    // Later updates of the healthy documents go through at once, while b keeps failing.
    const later = queue.enqueue('a', bytes(7));
    await later.durable();
    expect(b!.isDurable).toBe(false);
    // b's failure passes: its updates are stored, in order.
    queue.enqueue('b', bytes(8));
    store.failAppendsOf.clear();
    await b!.durable();
    await queue.durable();
    expect(storedRows('b')).toEqual([1, 8]);
  });

  it('makes durableOrFail reject for that document only, and the change is still stored later', async () => {
    const queue = new WriteQueue(store, log, { retryMinMs: 5, retryMaxMs: 20 });
    store.failAppendsOf.set('a', new Error('SQLITE_FULL: database or disk is full'));
    const failing = queue.enqueue('a', bytes(1)).durableOrFail();
    const healthy = queue.enqueue('b', bytes(2)).durableOrFail();
    await expect(failing).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(failing).rejects.toMatchObject({ reason: 'the disk is full' });
    await expect(healthy).resolves.toBeUndefined();
    // While a's commits fail, asking again is refused at once.
    await expect(queue.ticketFor('a').durableOrFail()).rejects.toBeInstanceOf(StorageUnavailableError);
    store.failAppendsOf.clear();
    await queue.durable();
    expect(storedRows('a')).toEqual([1]);
  });

  it('recovers for good: later updates commit normally', async () => {
    const queue = new WriteQueue(store, log, { retryMinMs: 5 });
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
