import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { FencedOut } from '../../src/storage/ownership.js';
import { PgStore, PostgresOpenError } from '../../src/storage/postgres/PgStore.js';
import { PG_MIGRATIONS } from '../../src/storage/postgres/pgMigrations.js';
import { openPool } from '../../src/storage/postgres/pgPool.js';
import { inTransaction } from '../../src/storage/postgres/transaction.js';
import { databaseFor, emptyDatabase } from './testDatabases.js';

const opened: PgStore[] = [];

async function openStore(url: string, nodeId = 'node-a'): Promise<PgStore> {
  const store = await PgStore.open(url, { nodeId, poolSize: 3 });
  opened.push(store);
  return store;
}

async function freshDatabase(): Promise<string> {
  return databaseFor(`pg-store ${randomUUID()}`);
}

function edit(text: string, clientID = 1): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

function textOf(updates: readonly Uint8Array[]): string {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc.getText('t').toString();
}

async function seqs(store: PgStore, docId: string): Promise<number[]> {
  const { rows } = await store.pool.query<{ seq: number }>('SELECT seq FROM updates WHERE doc_id = $1 ORDER BY seq', [
    docId,
  ]);
  return rows.map((r) => r.seq);
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

describe('PostgreSQL store', () => {
  it('opens a unix-socket URL (not a WHATWG URL) and migrates once when several nodes start at once', async () => {
    const url = await emptyDatabase(`migrate ${randomUUID()}`);
    expect(url).toMatch(/^postgres:\/\/tandem@\/t_\w+\?host=/);
    const stores = await Promise.all(['a', 'b', 'c'].map((node) => openStore(url, node)));
    const { rows } = await stores[0]!.pool.query<{ version: number }>('SELECT version FROM tandem_schema');
    expect(rows).toEqual([{ version: PG_MIGRATIONS.length }]);
  });

  it('refuses a server that could lose an acknowledged commit (synchronous_commit off)', async () => {
    const url = await freshDatabase();
    const name = /\/(t_\w+)\?/.exec(url)![1]!;
    const admin = openPool(url, { max: 1 });
    await admin.query(`ALTER DATABASE ${name} SET synchronous_commit = off`);
    await admin.end();
    const refused = PgStore.open(url, { nodeId: 'a' });
    await expect(refused).rejects.toBeInstanceOf(PostgresOpenError);
    await expect(refused).rejects.toThrow(/synchronous_commit off/);
  });

  it('numbers each document’s log without gaps, across batches, documents and compaction', async () => {
    const store = await openStore(await freshDatabase());
    await store.ensure('one', 1);
    await store.ensure('two', 1);
    await store.load('one', 'own');
    await store.load('two', 'own');
    const first = await store.append(
      [
        { docId: 'one', update: edit('a', 1) },
        { docId: 'two', update: edit('x', 2) },
        { docId: 'one', update: edit('b', 3) },
      ],
      10,
    );
    expect(Object.fromEntries(first)).toEqual({ one: 2, two: 1 });
    await store.append([{ docId: 'one', update: edit('c', 4) }], 11);
    expect(await seqs(store, 'one')).toEqual([1, 2, 3]);

    const loaded = (await store.load('one'))!;
    expect(loaded.lastSeq).toBe(3);
    const merged = Y.mergeUpdates(loaded.updates);
    expect(await store.compact('one', merged, 2)).toBe(2);
    expect(await seqs(store, 'one')).toEqual([2, 3]);
    await store.append([{ docId: 'one', update: edit('d', 5) }], 12);
    expect(await seqs(store, 'one')).toEqual([2, 3, 4]);
    expect(
      textOf((await store.load('one'))!.updates)
        .split('')
        .sort()
        .join(''),
    ).toBe('abcd');
    expect((await store.get('one'))!.updatedAt).toBe(12);
  });

  it('fences every write of a former owner: append, compaction, title and version store nothing', async () => {
    const url = await freshDatabase();
    const former = await openStore(url, 'former');
    const current = await openStore(url, 'current');
    await former.ensure('doc', 1);
    await former.load('doc', 'own');
    await former.append([{ docId: 'doc', update: edit('kept', 1) }], 2);

    const taken = (await current.load('doc', 'own'))!;
    expect(textOf(taken.updates)).toBe('kept');

    const late = former.append([{ docId: 'doc', update: edit('late', 2) }], 3);
    await expect(late).rejects.toBeInstanceOf(FencedOut);
    await expect(former.compact('doc', edit('compacted', 3), 1)).rejects.toBeInstanceOf(FencedOut);
    await expect(former.setTitle('doc', 'stale title')).rejects.toBeInstanceOf(FencedOut);
    const version = former.versions.addVersion({
      docId: 'doc',
      kind: 'auto',
      name: null,
      createdAt: 4,
      authors: [],
      state: edit('snapshot', 4),
    });
    await expect(version).rejects.toBeInstanceOf(FencedOut);

    expect(textOf((await current.load('doc'))!.updates)).toBe('kept');
    expect(await seqs(current, 'doc')).toEqual([1]);
    expect((await current.get('doc'))!.title).toBe('');
    expect(await current.versions.listVersions('doc')).toEqual([]);

    // The owner's own writes go through.
    await current.append([{ docId: 'doc', update: edit('!', 5) }], 6);
    await current.setTitle('doc', 'Fresh');
    await current.versions.addVersion({
      docId: 'doc',
      kind: 'auto',
      name: null,
      createdAt: 7,
      authors: ['Ann'],
      state: edit('v', 6),
    });
    expect(await seqs(current, 'doc')).toEqual([1, 2]);
    expect((await current.get('doc'))!.title).toBe('Fresh');
    expect((await current.versions.listVersions('doc')).map((v) => v.authors)).toEqual([['Ann']]);
  });

  it('stores a batch of several documents whole or not at all: one document fenced refuses them all', async () => {
    const url = await freshDatabase();
    const former = await openStore(url, 'former');
    const current = await openStore(url, 'current');
    for (const docId of ['kept-a', 'lost', 'kept-b']) {
      await former.ensure(docId, 1);
      await former.load(docId, 'own');
    }
    await current.load('lost', 'own');

    const batch = former.append(
      [
        { docId: 'kept-a', update: edit('a', 1) },
        { docId: 'lost', update: edit('x', 2) },
        { docId: 'kept-b', update: edit('b', 3) },
        { docId: 'kept-a', update: edit('c', 4) },
      ],
      5,
    );
    await expect(batch).rejects.toMatchObject({ name: 'FencedOut', docId: 'lost' });
    for (const docId of ['kept-a', 'lost', 'kept-b']) expect(await seqs(current, docId)).toEqual([]);

    // Without the lost document the same batch is stored, each document's rows numbered in order.
    const lastSeq = await former.append(
      [
        { docId: 'kept-b', update: edit('b', 3) },
        { docId: 'kept-a', update: edit('a', 1) },
        { docId: 'kept-a', update: edit('c', 4) },
      ],
      6,
    );
    expect(Object.fromEntries(lastSeq)).toEqual({ 'kept-a': 2, 'kept-b': 1 });
    expect(await seqs(current, 'kept-a')).toEqual([1, 2]);
    expect((await current.load('kept-a'))!.updates.map((u) => [...u])).toEqual([[...edit('a', 1)], [...edit('c', 4)]]);
  });

  it('finds titles case-insensitively beyond ASCII, with % and _ as plain characters, and pages by (updatedAt, id)', async () => {
    const store = await openStore(await freshDatabase());
    for (const [id, title, at] of [
      ['a', 'Über uns', 5],
      ['b', '100% done_now', 5],
      ['c', '', 4],
      ['d', 'Other', 3],
    ] as const) {
      await store.ensure(id, at);
      await store.setTitle(id, title);
    }
    const find = async (titleContains: string) =>
      (await store.listPage({ limit: 10, titleContains, access: { all: true } })).map((d) => d.id);
    expect(await find('üBER')).toEqual(['a']);
    expect(await find('% d')).toEqual(['b']);
    expect(await find('_')).toEqual(['b']);
    expect(await find('untitled')).toEqual(['c']);
    const first = await store.listPage({ limit: 2, access: { all: true } });
    expect(first.map((d) => d.id)).toEqual(['a', 'b']);
    const next = await store.listPage({ limit: 2, after: { updatedAt: 5, id: 'b' }, access: { all: true } });
    expect(next.map((d) => d.id)).toEqual(['c', 'd']);
    const limited = await store.listPage({ limit: 10, access: { ids: ['d'], prefixes: ['b'] } });
    expect(limited.map((d) => d.id)).toEqual(['b', 'd']);
  });
});

describe('a transaction whose connection the server ends between two of its queries', () => {
  it('fails, without an unheard connection error taking the process down', async () => {
    const pool = openPool(await freshDatabase(), { max: 2 });
    pool.on('error', () => undefined);
    const terminate = openPool(await freshDatabase(), { max: 1 });
    try {
      const outcome = inTransaction(pool, async (client) => {
        const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        // What a restart does to every connection: the server ends it while no query runs.
        await terminate.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        await new Promise((resolve) => setTimeout(resolve, 200));
        return client.query('SELECT 1');
      });
      await expect(outcome).rejects.toThrow();
      // The pool goes on with a fresh connection.
      expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one).toBe(1);
    } finally {
      await Promise.all([pool.end(), terminate.end()]);
    }
  });
});
