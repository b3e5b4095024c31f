import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from './SqliteStore.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function dbFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-commit-'));
  dirs.push(dir);
  return path.join(dir, 'tandem.db');
}

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

/**
 * Runs `steps` on a store that writes on its commit thread and on one that writes on its own
 * connection, each with documents "a" and "b", and closes them; resolves with both outcomes.
 */
async function onBothConnections(steps: (store: SqliteStore) => Promise<unknown>): Promise<[unknown, unknown]> {
  const outcomes: unknown[] = [];
  for (const store of [new SqliteStore(dbFile()), new SqliteStore(dbFile(), { commitThread: false })]) {
    await store.ensure('a', 1);
    await store.ensure('b', 1);
    outcomes.push(await steps(store));
    await store.close();
  }
  return outcomes as [unknown, unknown];
}

describe('appends on the commit thread', () => {
  it('are durable in the same file the main connection reads, with the last row per document', async () => {
    const file = dbFile();
    const store = new SqliteStore(file);
    await store.ensure('a', 1);
    await store.ensure('b', 1);
    const lastSeq = await store.append(
      [
        { docId: 'a', update: bytes(1) },
        { docId: 'b', update: bytes(2, 2) },
        { docId: 'a', update: bytes(3, 3, 3) },
      ],
      5,
    );
    expect([...lastSeq.keys()].sort()).toEqual(['a', 'b']);
    expect(lastSeq.get('a')).toBeGreaterThan(lastSeq.get('b')!);
    // The main connection sees the commit at once (same file, WAL).
    const a = await store.load('a');
    expect(a?.updates.map((u) => [...u])).toEqual([[1], [3, 3, 3]]);
    expect(a?.lastSeq).toBe(lastSeq.get('a'));
    expect((await store.get('a'))?.size).toBe(4);
    await store.close();

    const reopened = new SqliteStore(file);
    expect((await reopened.load('b'))?.updates.map((u) => [...u])).toEqual([[2, 2]]);
    await reopened.close();
  });

  it('rejects a batch SQLite refuses, whole, and goes on committing the next ones', async () => {
    const store = new SqliteStore(dbFile());
    await store.ensure('known', 1);
    // No document row for "unknown": the foreign key refuses the batch, "known"'s row included.
    await expect(
      store.append(
        [
          { docId: 'known', update: bytes(1) },
          { docId: 'unknown', update: bytes(2) },
        ],
        2,
      ),
    ).rejects.toThrow(/FOREIGN KEY/);
    expect((await store.load('known'))?.updates).toEqual([]);
    await store.append([{ docId: 'known', update: bytes(9) }], 3);
    expect((await store.load('known'))?.updates.map((u) => [...u])).toEqual([[9]]);
    await store.close();
  });

  it('store what the store’s own connection stores for the same batches (one copy of the SQL)', async () => {
    const outcomes = await onBothConnections(async (store) => {
      const first = await store.append(
        [
          { docId: 'a', update: bytes(1, 1) },
          { docId: 'b', update: bytes(2) },
        ],
        7,
      );
      const second = await store.append([{ docId: 'a', update: bytes(3, 3, 3) }], 9);
      return {
        lastSeq: [[...first], [...second]],
        a: { meta: await store.get('a'), rows: (await store.load('a'))?.updates.map((u) => [...u]) },
        b: { meta: await store.get('b'), rows: (await store.load('b'))?.updates.map((u) => [...u]) },
      };
    });
    expect(outcomes[0]).toMatchObject({
      a: { meta: { updatedAt: 9, size: 5 } },
      b: { meta: { updatedAt: 7, size: 1 } },
    });
    expect(outcomes[0]).toEqual(outcomes[1]);
  });

  it('finishes the commits in flight before the store closes', async () => {
    const file = dbFile();
    const store = new SqliteStore(file);
    await store.ensure('d', 1);
    const inFlight = Array.from({ length: 50 }, (_, i) => store.append([{ docId: 'd', update: bytes(i) }], 2));
    await store.close();
    await Promise.all(inFlight);
    const reopened = new SqliteStore(file);
    expect((await reopened.load('d'))?.updates.length).toBe(50);
    await reopened.close();
  });
});

describe('search text on the commit thread', () => {
  /** What a search for `word` finds in `store`: the documents, with their snippets. */
  async function found(store: SqliteStore, word: string): Promise<[string, string][]> {
    const hits = await store.search.search({
      terms: [word],
      titleContains: word,
      access: { all: true },
      limit: 10,
      offset: 0,
    });
    return hits.map((hit) => [hit.meta.id, hit.snippet]);
  }

  it('is written there and found by the main connection, as the main connection would write it', async () => {
    const outcomes = await onBothConnections(async (store) => {
      await store.search.write('a', { title: 'Plans', body: 'the zebra crossing at noon' });
      await store.search.write('a', { title: 'Plans', body: 'the okapi crossing at noon' });
      // Indexed meanwhile: a backfill's older text does not replace it.
      await store.search.write('a', { title: 'Old', body: 'zebra' }, { onlyIfMissing: true });
      await store.search.write('b', { title: 'Other', body: 'an okapi' }, { onlyIfMissing: true });
      // Gone: nothing written, no error.
      await store.search.write('missing', { title: 'x', body: 'okapi' });
      return {
        okapi: await found(store, 'okapi'),
        zebra: await found(store, 'zebra'),
        missing: await store.search.isMissing('a'),
      };
    });
    expect(outcomes[0]).toMatchObject({ zebra: [], missing: false });
    expect((outcomes[0] as { okapi: unknown[] }).okapi).toHaveLength(2);
    expect(outcomes[0]).toEqual(outcomes[1]);
  });

  it('keeps its order with the appends around it and finishes before the store closes', async () => {
    const file = dbFile();
    const store = new SqliteStore(file);
    await store.ensure('d', 1);
    const jobs = [
      store.append([{ docId: 'd', update: bytes(1) }], 2),
      store.search.write('d', { title: 'T', body: 'first' }),
      store.search.write('d', { title: 'T', body: 'second' }),
      store.append([{ docId: 'd', update: bytes(2) }], 3),
    ];
    await store.close();
    await Promise.all(jobs);
    const reopened = new SqliteStore(file, { commitThread: false });
    expect(await found(reopened, 'second')).toHaveLength(1);
    expect(await found(reopened, 'first')).toEqual([]);
    expect((await reopened.load('d'))?.updates.length).toBe(2);
    await reopened.close();
  });
});
