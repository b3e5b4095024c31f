import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  createPeers,
  createRandom,
  randomEdits,
  sameState,
  stateFingerprint,
  waitForConvergence,
} from '@tandem/crdt-bridge/testing';
import { InstrumentedStore } from './stores.js';
import {
  readCommitted,
  sqliteOf,
  startTestServer,
  tempDataDir,
  text,
  updateRows,
  waitFor,
  type TestServer,
} from './helpers.js';

const COMPACT_ROWS = 5;

let ts: TestServer;
afterEach(async () => ts?.stop({ wipe: true }));

/** Restarts the server on the same data directory, as after a crash-free restart. */
async function restart(overrides: Parameters<typeof startTestServer>[0] = {}): Promise<void> {
  const dataDir = ts.dataDir;
  await ts.stop();
  ts = await startTestServer({ compactRows: COMPACT_ROWS, ...overrides }, { dataDir });
}

describe('update log compaction', () => {
  it('keeps the log short by folding it into one state row once it passes compactRows', async () => {
    ts = await startTestServer({ compactRows: COMPACT_ROWS });
    const a = ts.client().open('log');
    await a.whenSynced();
    const store = sqliteOf(ts.server);
    const rowCounts: number[] = [];
    for (let i = 0; i < 30; i++) {
      a.doc.getText('t').insert(a.doc.getText('t').length, `${i},`);
      await a.whenSaved();
      rowCounts.push(updateRows(store, 'log'));
    }
    // Thirty separately committed edits, yet the log never holds more than the threshold.
    expect(Math.max(...rowCounts)).toBeLessThanOrEqual(COMPACT_ROWS);
    expect(rowCounts).toContain(1);
    const expected = Array.from({ length: 30 }, (_, i) => `${i},`).join('');
    expect(text(a)).toBe(expected);
    expect(readCommitted(ts.dataDir, 'log').getText('t').toString()).toBe(expected);
  });

  it('compacts by size too, when the log outgrows compactBytes', async () => {
    ts = await startTestServer({ compactRows: 1_000_000, compactBytes: 4_096 });
    const a = ts.client().open('big');
    await a.whenSynced();
    const store = sqliteOf(ts.server);
    for (let i = 0; i < 12; i++) {
      a.doc.getText('t').insert(0, String(i % 10).repeat(1_000));
      await a.whenSaved();
    }
    expect(updateRows(store, 'big')).toBeLessThan(12);
    expect(readCommitted(ts.dataDir, 'big').getText('t').toString()).toBe(text(a));
  });

  it('stores a compacted state that holds exactly what the server holds, after concurrent edits', async () => {
    ts = await startTestServer({ compactRows: COMPACT_ROWS });
    const random = createRandom(7);
    const peers = createPeers(3, 'busy', () => ts.client());
    await Promise.all(peers.map((p) => p.session.whenSynced()));
    for (let round = 0; round < 40; round++) {
      randomEdits(random, random.pick(peers).doc, random.between(1, 3));
      if (random.chance(0.3)) await new Promise((resolve) => setTimeout(resolve, random.int(3)));
    }
    const serverDoc = (): Y.Doc[] => {
      const room = ts.server.registry.get('busy');
      return room ? [room.content()] : [];
    };
    await waitForConvergence(peers, { extra: serverDoc });
    await ts.server.writes.durable();
    expect(updateRows(sqliteOf(ts.server), 'busy')).toBeLessThanOrEqual(COMPACT_ROWS);
    expect(sameState([readCommitted(ts.dataDir, 'busy'), peers[0]!.doc])).toBe(true);

    const before = stateFingerprint(peers[0]!.doc);
    await restart();
    const reloaded = ts.client().open('busy');
    await reloaded.whenSynced();
    expect(stateFingerprint(reloaded.doc)).toBe(before);
  });

  it('restores compacted content after a restart, and keeps compacting afterwards', async () => {
    ts = await startTestServer({ compactRows: COMPACT_ROWS });
    const a = ts.client().open('restart');
    await a.whenSynced();
    for (let i = 0; i < 12; i++) {
      a.doc.getText('t').insert(0, 'x');
      await a.whenSaved();
    }
    await restart();
    const b = ts.client().open('restart');
    await b.whenSynced();
    expect(text(b)).toBe('x'.repeat(12));
    for (let i = 0; i < 12; i++) {
      b.doc.getText('t').insert(0, 'y');
      await b.whenSaved();
    }
    expect(updateRows(sqliteOf(ts.server), 'restart')).toBeLessThanOrEqual(COMPACT_ROWS);
    await restart();
    const c = ts.client().open('restart');
    await c.whenSynced();
    expect(text(c)).toBe('y'.repeat(12) + 'x'.repeat(12));
  });

  it("leaves other documents' rows alone", async () => {
    ts = await startTestServer({ compactRows: COMPACT_ROWS });
    const quiet = ts.client().open('quiet');
    const busy = ts.client().open('noisy');
    await Promise.all([quiet.whenSynced(), busy.whenSynced()]);
    for (let i = 0; i < 3; i++) {
      quiet.doc.getText('t').insert(0, 'q');
      await quiet.whenSaved();
    }
    for (let i = 0; i < 20; i++) {
      busy.doc.getText('t').insert(0, 'n');
      await busy.whenSaved();
    }
    const store = sqliteOf(ts.server);
    expect(updateRows(store, 'quiet')).toBe(3);
    await restart();
    const again = ts.client().open('quiet');
    await again.whenSynced();
    expect(text(again)).toBe('qqq');
  });

  it('keeps the whole log when a compaction fails, and loses nothing', async () => {
    const dataDir = tempDataDir();
    const store = InstrumentedStore.inDir(dataDir);
    store.failCompacts = new Error('no space left on device');
    ts = await startTestServer({ compactRows: COMPACT_ROWS }, { store, dataDir });
    const a = ts.client().open('stubborn');
    await a.whenSynced();
    for (let i = 0; i < 10; i++) {
      a.doc.getText('t').insert(0, 'k');
      await a.whenSaved();
    }
    expect(store.calls.compact).toBeGreaterThan(0);
    expect(updateRows(store.inner, 'stubborn')).toBe(10);
    await restart();
    const b = ts.client().open('stubborn');
    await b.whenSynced();
    expect(text(b)).toBe('k'.repeat(10));
  });
});

describe('compacted states on disk', () => {
  it('are stored deflated, and load back to the same document', async () => {
    ts = await startTestServer({ compactRows: COMPACT_ROWS });
    const a = ts.client().open('deflated');
    await a.whenSynced();
    for (let i = 0; i < COMPACT_ROWS * 2; i++) {
      a.doc.getText('t').insert(a.doc.getText('t').length, 'a sentence that repeats itself, ');
      await a.whenSaved();
    }
    const rows = sqliteOf(ts.server)
      .db.prepare<[string], { codec: number; bytes: number }>(
        'SELECT codec, LENGTH(data) AS bytes FROM updates WHERE doc_id = ?',
      )
      .all('deflated');
    expect(rows.some((r) => r.codec === 1)).toBe(true);
    const expected = text(a);
    await restart();
    const b = ts.client().open('deflated');
    await b.whenSynced();
    expect(text(b)).toBe(expected);
  });
});

describe('compacting twice with nothing appended in between', () => {
  it('leaves one row: the second state replaces the first', async () => {
    ts = await startTestServer({ compactRows: 1_000 });
    const a = ts.client().open('twice');
    await a.whenSynced();
    a.doc.getText('t').insert(0, 'once');
    await a.whenSaved();
    const room = ts.server.registry.get('twice')!;
    await ts.server.compaction.compact(room);
    await ts.server.compaction.compact(room);
    expect(updateRows(sqliteOf(ts.server), 'twice')).toBe(1);
    expect(readCommitted(ts.dataDir, 'twice').getText('t').toString()).toBe('once');
  });
});

describe('a document stored as one compacted row', () => {
  it('is served to readers from the stored row, and applied on the server only when someone edits', async () => {
    ts = await startTestServer({ compactRows: COMPACT_ROWS });
    const a = ts.client().open('one-row');
    await a.whenSynced();
    let early: Uint8Array = new Uint8Array();
    for (let i = 0; i < 3 * COMPACT_ROWS; i++) {
      const t = a.doc.getText('t');
      t.insert(t.length, `${i};x`);
      t.delete(t.length - 1, 1); // deletions too: a returning client's step 2 carries them all
      await a.whenSaved();
      if (i === 2) early = Y.encodeStateAsUpdate(a.doc);
    }
    const expected = text(a);
    const live = ts.server.registry.get('one-row')!;
    // Waits for an automatic compaction under way, then compacts what is there now.
    await ts.server.compaction.compact(live);
    await restart({ compactRows: COMPACT_ROWS, idleUnloadMs: 60_000 });
    expect(updateRows(sqliteOf(ts.server), 'one-row')).toBe(1);

    // Two readers join and sync (step 1, step 2 both ways) without the server applying anything.
    const b = ts.client().open('one-row');
    const c = ts.client().open('one-row');
    await Promise.all([b.whenSynced(), c.whenSynced(), b.whenSaved(), c.whenSaved()]);
    expect(text(b)).toBe(expected);
    expect(text(c)).toBe(expected);
    const room = ts.server.registry.get('one-row')!;
    expect(room.contentLoaded).toBe(false);
    expect(room.stateVector()).toEqual(Y.encodeStateVector(b.doc));

    // A returning reader (its own older copy, as from IndexedDB) is sent what it lacks from the row,
    // and its step 2 (its delete set, all known to the server) does not make the server apply it either.
    const copy = new Y.Doc();
    Y.applyUpdate(copy, early);
    expect(copy.getText('t').toString()).toBe('0;1;2;');
    const returning = ts.client().open('one-row', { doc: copy });
    await Promise.all([returning.whenSynced(), returning.whenSaved()]);
    expect(text(returning)).toBe(expected);
    expect(room.contentLoaded).toBe(false);

    // The first edit needs the document: it is applied then, and the edit lands on top of it.
    b.doc.getText('t').insert(0, '>');
    await b.whenSaved();
    expect(room.contentLoaded).toBe(true);
    expect(room.content().getText('t').toString()).toBe(`>${expected}`);
    await waitFor(() => text(c) === `>${expected}`, 'c sees the edit');
    expect(readCommitted(ts.dataDir, 'one-row').getText('t').toString()).toBe(`>${expected}`);
  });

  it('is applied when a returning client brings a deletion the server lacks, and the deletion is kept', async () => {
    ts = await startTestServer({ compactRows: COMPACT_ROWS });
    const a = ts.client().open('offline-delete');
    await a.whenSynced();
    a.doc.getText('t').insert(0, 'keep this, drop that');
    await a.whenSaved();
    const copy = Y.encodeStateAsUpdate(a.doc);
    await ts.server.registry.withRoom('offline-delete', (loaded) => ts.server.compaction.compact(loaded));
    await restart({ compactRows: COMPACT_ROWS, idleUnloadMs: 60_000 });

    // Deleted while offline: no new items, only a deletion, which only the delete set carries.
    const offline = new Y.Doc();
    Y.applyUpdate(offline, copy);
    offline.getText('t').delete(9, 11);
    const b = ts.client().open('offline-delete', { doc: offline });
    await b.whenSynced();
    const room = ts.server.registry.get('offline-delete')!;
    await waitFor(() => room.contentLoaded, 'the server applies the document for the deletion');
    expect(room.content().getText('t').toString()).toBe('keep this');
    await waitFor(
      () => readCommitted(ts.dataDir, 'offline-delete').getText('t').toString() === 'keep this',
      'the deletion is stored',
    );
  });

  it('is served the same way when stored without a state vector (before migration 4)', async () => {
    ts = await startTestServer({ compactRows: COMPACT_ROWS });
    const a = ts.client().open('old-row');
    await a.whenSynced();
    a.doc.getText('t').insert(0, 'kept');
    await a.whenSaved();
    await ts.server.registry.withRoom('old-row', (loaded) => ts.server.compaction.compact(loaded));
    sqliteOf(ts.server).db.prepare('UPDATE updates SET state_vector = NULL').run();
    await restart({ compactRows: COMPACT_ROWS, idleUnloadMs: 60_000 });
    const b = ts.client().open('old-row');
    await Promise.all([b.whenSynced(), b.whenSaved()]);
    expect(text(b)).toBe('kept');
    const room = ts.server.registry.get('old-row')!;
    expect(room.contentLoaded).toBe(false);
    expect(room.stateVector()).toEqual(Y.encodeStateVector(b.doc));
    expect(room.content().getText('t').toString()).toBe('kept');
    expect(room.contentLoaded).toBe(true);
  });
});
