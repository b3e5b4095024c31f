import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, type DocSession } from '@tandem/crdt-bridge';
import { shutDown } from '../src/shutdown.js';
import { InstrumentedStore } from './stores.js';
import { readCommitted, startTestServer, tempDataDir, text, waitFor, type TestServer } from './helpers.js';

let ts: TestServer;
let store: InstrumentedStore;

afterEach(async () => {
  // A server cannot shut down cleanly while its storage fails: it waits to store what it holds.
  if (store) {
    store.failAppends = null;
    store.failAppendsOf.clear();
  }
  await ts?.stop({ wipe: true });
});

async function startWithFlakyStorage(overrides: Parameters<typeof startTestServer>[0] = {}): Promise<void> {
  const dataDir = tempDataDir();
  store = InstrumentedStore.inDir(dataDir);
  ts = await startTestServer(overrides, { store, dataDir });
}

/** Makes storage fail and waits until the server has tried (and failed) to commit a few times. */
async function failStorageDuring(edit: () => void, attempts = 2): Promise<void> {
  store.failAppends = new Error('SQLITE_IOERR: disk I/O error');
  const failedBefore = store.failedAppends;
  edit();
  await waitFor(() => store.failedAppends >= failedBefore + attempts, `${attempts} commits fail`);
}

function storageError(session: DocSession): boolean {
  return session.status.error?.code === ErrorCode.StorageUnavailable;
}

describe('when one document’s writes fail and the others’ do not', () => {
  it('holds only that document’s acknowledgements; everyone else is saved as usual', async () => {
    await startWithFlakyStorage();
    const broken = ts.client().open('broken');
    const fine = ts.client().open('fine');
    await Promise.all([broken.whenSynced(), fine.whenSynced()]);
    store.failAppendsOf.set('broken', new Error('SQLITE_CONSTRAINT: a row this document cannot take'));
    const failedBefore = store.failedAppends;
    // Both edits reach the server in the same turn, so they would share one commit.
    broken.doc.getText('t').insert(0, 'held');
    fine.doc.getText('t').insert(0, 'saved');
    await fine.whenSaved();
    expect(readCommitted(ts.dataDir, 'fine').getText('t').toString()).toBe('saved');
    await waitFor(() => store.failedAppends > failedBefore, 'the broken document’s commit fails');
    await waitFor(() => storageError(broken), 'the broken document’s editor is told');
    expect(broken.status.save).toBe('saving');
    expect(storageError(fine)).toBe(false);
    // Later edits of the healthy document are saved at once, while the other is still held.
    fine.doc.getText('t').insert(5, ' again');
    await fine.whenSaved();
    expect(broken.status.save).toBe('saving');
    store.failAppendsOf.clear();
    await broken.whenSaved();
    expect(readCommitted(ts.dataDir, 'broken').getText('t').toString()).toBe('held');
  });
});

describe('a shutdown while storage fails', () => {
  it('ends within its time limit and names the documents whose changes are not stored', async () => {
    await startWithFlakyStorage();
    const a = ts.client().open('held-at-exit');
    await a.whenSynced();
    await failStorageDuring(() => a.doc.getText('t').insert(0, 'not stored'));
    const started = Date.now();
    const outcome = await shutDown(ts.server, 300);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(outcome).toEqual({ clean: false, unstored: ['held-at-exit'] });
    // The change was never acknowledged: the client still holds it, to send again on reconnect.
    expect(a.status.save).toBe('saving');
  });

  it('is clean when everything is stored', async () => {
    await startWithFlakyStorage();
    const a = ts.client().open('stored-at-exit');
    await a.whenSynced();
    a.doc.getText('t').insert(0, 'stored');
    await a.whenSaved();
    expect(await shutDown(ts.server, 5_000)).toEqual({ clean: true });
  });
});

describe('while storage fails', () => {
  it('withholds the acknowledgement, tells the editor, and keeps serving the document from memory', async () => {
    await startWithFlakyStorage();
    const a = ts.client().open('fragile');
    const b = ts.client().open('fragile');
    await Promise.all([a.whenSynced(), b.whenSynced()]);
    a.doc.getText('t').insert(0, 'stored ');
    await a.whenSaved();

    await failStorageDuring(() => a.doc.getText('t').insert(7, 'held'));
    await waitFor(() => storageError(a), 'a is told storage is unavailable');
    expect(a.status.save).toBe('saving');
    expect(a.status.unsavedChanges).toBeGreaterThan(0);
    expect(a.status.connection).toBe('synced');
    // Collaboration goes on in memory: others see the change, and a newcomer loads it.
    await waitFor(() => text(b) === 'stored held', 'b sees the unsaved change');
    const c = ts.client().open('fragile');
    await c.whenSynced();
    expect(text(c)).toBe('stored held');
    expect(readCommitted(ts.dataDir, 'fragile').getText('t').toString()).toBe('stored ');
    expect(a.status.save).toBe('saving');
  });

  it('commits the held updates once storage recovers, and the editor shows saved with no error', async () => {
    await startWithFlakyStorage();
    const a = ts.client().open('recovering');
    await a.whenSynced();
    await failStorageDuring(() => {
      a.doc.getText('t').insert(0, 'one ');
      a.doc.getText('t').insert(4, 'two');
    });
    await waitFor(() => storageError(a), 'a is told storage is unavailable');
    // More edits while failing queue behind the failed batch.
    a.doc.getText('t').insert(7, ' three');
    expect(a.status.save).toBe('saving');

    store.failAppends = null;
    await a.whenSaved();
    expect(a.status.save).toBe('saved');
    expect(a.status.unsavedChanges).toBe(0);
    expect(a.status.error).toBeNull();
    expect(readCommitted(ts.dataDir, 'recovering').getText('t').toString()).toBe('one two three');

    const dataDir = ts.dataDir;
    await ts.stop();
    ts = await startTestServer({}, { dataDir });
    const fresh = ts.client().open('recovering');
    await fresh.whenSynced();
    expect(text(fresh)).toBe('one two three');
  });

  it('tells only the members of the affected document', async () => {
    await startWithFlakyStorage();
    const a = ts.client().open('troubled');
    const elsewhere = ts.client().open('calm');
    await Promise.all([a.whenSynced(), elsewhere.whenSynced()]);
    await failStorageDuring(() => a.doc.getText('t').insert(0, 'x'));
    await waitFor(() => storageError(a), 'a is told');
    expect(elsewhere.status.error).toBeNull();
  });

  it('does not pin a storage warning on a client with nothing waiting to be stored', async () => {
    await startWithFlakyStorage();
    const editor = ts.client().open('watched');
    const readerClient = ts.client();
    const reader = readerClient.open('watched');
    await Promise.all([editor.whenSynced(), reader.whenSynced()]);
    // The reader has nothing of its own waiting: its join handshake is fully acknowledged.
    await Promise.all([editor.whenSaved(), reader.whenSaved()]);
    let warningsDelivered = 0;
    readerClient.socket.on('doc-error', (error) => {
      if (error.code === ErrorCode.StorageUnavailable) warningsDelivered++;
    });
    let readerWarned = false;
    reader.on('status', (status) => (readerWarned ||= status.error?.code === ErrorCode.StorageUnavailable));

    await failStorageDuring(() => editor.doc.getText('t').insert(0, 'x'));
    await waitFor(() => storageError(editor) && warningsDelivered > 0, 'the warning reaches both');
    // No acknowledgement would ever clear it for the reader, so it must not show at all.
    expect(readerWarned).toBe(false);
    expect(reader.status).toMatchObject({ save: 'saved', error: null });

    // Once the reader has a change waiting too, the warning concerns it, and clears on recovery.
    reader.doc.getText('t').insert(0, 'y');
    await waitFor(() => storageError(reader), 'the reader, now waiting, is told');
    store.failAppends = null;
    await Promise.all([editor.whenSaved(), reader.whenSaved()]);
    expect(editor.status.error).toBeNull();
    expect(reader.status.error).toBeNull();
  });

  it('keeps the document loaded after everyone leaves, until its updates are stored', async () => {
    await startWithFlakyStorage({ idleUnloadMs: 20 });
    const client = ts.client();
    const a = client.open('unsaved');
    await a.whenSynced();
    await failStorageDuring(() => a.doc.getText('t').insert(0, 'only in memory'));
    a.destroy();
    await waitFor(() => ts.server.registry.get('unsaved')?.members.size === 0, 'a has left');
    // Wait past the idle delay, counted in failed commits rather than in time.
    const failed = store.failedAppends;
    await waitFor(() => store.failedAppends >= failed + 2, 'more commits fail');
    expect(ts.server.registry.get('unsaved')).toBeDefined();

    store.failAppends = null;
    await waitFor(() => ts.server.registry.get('unsaved') === undefined, 'the room unloads once stored');
    const b = ts.client().open('unsaved');
    await b.whenSynced();
    expect(text(b)).toBe('only in memory');
  });

  it('answers liveness probes, so a waiting client does not tear down its connection', async () => {
    await startWithFlakyStorage();
    const client = ts.client({ ackTimeoutMs: 100, probeTimeoutMs: 2_000 });
    let connects = 0;
    client.socket.on('connect', () => connects++);
    const a = client.open('patient');
    await a.whenSynced();
    expect(connects).toBe(1);
    // Several probes go out while the acknowledgement is overdue; each is answered.
    await failStorageDuring(() => a.doc.getText('t').insert(0, 'wait for me'), 4);
    expect(a.status.save).toBe('saving');
    store.failAppends = null;
    await a.whenSaved();
    expect(connects).toBe(1);
    expect(a.status.connection).toBe('synced');
  });
});
