import { afterEach, describe, expect, it } from 'vitest';
import type { DocumentStore } from '../src/storage/DocumentStore.js';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT, ErrorCode, PROTOCOL_VERSION, type AckResult } from '@tandem/crdt-bridge';
import { createRandom } from '@tandem/crdt-bridge/testing';
import { InstrumentedStore, createGate } from './stores.js';
import { committedDoc, startTestServer, tempDataDir, text, waitFor, type TestServer } from './helpers.js';

let ts: TestServer;
let store: InstrumentedStore<DocumentStore>;
let acquires = 0;

afterEach(async () => {
  for (const gate of Object.values(store?.gates ?? {})) gate.open();
  await ts?.stop({ wipe: true });
});

async function startInstrumented(overrides: Parameters<typeof startTestServer>[0] = {}): Promise<void> {
  const dataDir = tempDataDir();
  store = await InstrumentedStore.forTest(dataDir);
  ts = await startTestServer(overrides, { store, dataDir });
  acquires = 0;
  const { registry } = ts.server;
  const acquire = registry.acquire.bind(registry);
  // Counts the joins that got as far as asking for the room (each then waits on the load); the real method runs.
  registry.acquire = (docId) => {
    acquires++;
    return acquire(docId);
  };
}

/** Joins that have been admitted and asked for the document's room (each then waits on the load). */
function joinsArrived(): number {
  return acquires;
}

/** Writes a first line into the ProseMirror fragment, which changes the document's title. */
function writeTitle(doc: Y.Doc, title: string): void {
  const paragraph = new Y.XmlElement('paragraph');
  const inline = new Y.XmlText();
  inline.insert(0, title);
  paragraph.insert(0, [inline]);
  doc.getXmlFragment(CONTENT_FRAGMENT).insert(0, [paragraph]);
}

describe('loading a document', () => {
  it('loads it once however many clients join at the same moment', async () => {
    await startInstrumented();
    const gate = createGate();
    store.gates.load = gate;
    const sessions = Array.from({ length: 8 }, () => ts.client().open('crowd'));
    await waitFor(() => joinsArrived() === 8, 'all eight joins wait on the load');
    expect(store.calls.load).toBe(1);
    gate.open();
    await Promise.all(sessions.map((s) => s.whenSynced()));
    expect(store.calls.load).toBe(1);
    expect(store.calls.ensure).toBe(1);
    expect(ts.server.registry.get('crowd')?.members.size).toBe(8);
    sessions[0]!.doc.getText('t').insert(0, 'all in one room');
    await waitFor(() => sessions.every((s) => text(s) === 'all in one room'), 'everyone sees the edit');
  });

  it('fails every join waiting on a failed load, and the next join tries again', async () => {
    await startInstrumented();
    const gate = createGate();
    store.gates.load = gate;
    store.failLoads = new Error('SQLITE_BUSY');
    const sockets = Array.from({ length: 3 }, () => ts.rawSocket());
    const joins = sockets.map(
      (socket) =>
        socket.timeout(5_000).emitWithAck('join', { docId: 'flaky', protocol: PROTOCOL_VERSION }) as Promise<AckResult>,
    );
    await waitFor(() => joinsArrived() === 3, 'all three joins wait on the load');
    gate.open();
    for (const result of await Promise.all(joins)) {
      expect(result).toMatchObject({ ok: false, error: { code: ErrorCode.LoadFailed, docId: 'flaky' } });
    }
    expect(store.calls.load).toBe(1);
    expect(ts.server.registry.get('flaky')).toBeUndefined();

    store.failLoads = null;
    const retry = (await sockets[0]!.timeout(5_000).emitWithAck('join', {
      docId: 'flaky',
      protocol: PROTOCOL_VERSION,
    })) as AckResult;
    expect(retry).toMatchObject({ ok: true });
    expect(store.calls.load).toBe(2);
  });
});

describe('unloading an idle document', () => {
  it('unloads once the last member leaves, and a later join sees everything', async () => {
    await startInstrumented({ idleUnloadMs: 10 });
    const a = ts.client().open('idle');
    await a.whenSynced();
    a.doc.getText('t').insert(0, 'remember me');
    await a.whenSaved();
    a.destroy();
    await waitFor(() => ts.server.registry.get('idle') === undefined, 'the room unloads');
    expect(ts.server.registry.size).toBe(0);

    const b = ts.client().open('idle');
    await b.whenSynced();
    expect(text(b)).toBe('remember me');
    expect(store.calls.load).toBe(2);
  });

  it('unloads once the last member disconnects', async () => {
    await startInstrumented({ idleUnloadMs: 10 });
    const client = ts.client();
    const a = client.open('dropped');
    await a.whenSynced();
    a.doc.getText('t').insert(0, 'gone');
    await a.whenSaved();
    client.socket.disconnect();
    await waitFor(() => ts.server.registry.get('dropped') === undefined, 'the room unloads');
  });

  it('keeps a document loaded while anyone is still in it', async () => {
    await startInstrumented({ idleUnloadMs: 10 });
    const a = ts.client().open('shared');
    const b = ts.client().open('shared');
    await Promise.all([a.whenSynced(), b.whenSynced()]);
    const room = ts.server.registry.get('shared');
    a.destroy();
    await waitFor(() => room?.members.size === 1, 'a has left');
    // Far longer than the idle delay; b is still there, so nothing may unload.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ts.server.registry.get('shared')).toBe(room);
    b.doc.getText('t').insert(0, 'still here');
    await b.whenSaved();
    expect(store.calls.load).toBe(1);
  });
});

describe('a move to Trash racing a join', () => {
  it('tells the joiner the document is in Trash, rather than letting it join a room that is gone', async () => {
    await startInstrumented();
    await ts.server.documents.create('doomed');
    const gate = createGate();
    store.gates.load = gate;
    const socket = ts.rawSocket();
    const told: unknown[] = [];
    socket.on('doc-error', (error: unknown) => told.push(error));
    const joined = socket
      .timeout(5_000)
      .emitWithAck('join', { docId: 'doomed', protocol: PROTOCOL_VERSION }) as Promise<AckResult>;
    await waitFor(() => store.calls.load === 1, 'the join waits on the load');
    const removed = ts.server.documents.trash('doomed', '');
    gate.open();
    await removed;
    // Joined just before the room went (and told so), or refused because it had gone: never left hanging.
    const answer = await joined;
    if (answer.ok) await waitFor(() => told.length > 0, 'the joiner is told the document is in Trash');
    const deleted = answer.ok ? told[0] : answer.error;
    expect(deleted).toMatchObject({ code: ErrorCode.DocumentInTrash, docId: 'doomed' });
    expect(ts.server.registry.get('doomed')).toBeUndefined();
  });
});

describe('an unload racing a join', () => {
  it('keeps the room when someone joins while the unload waits for its writes', async () => {
    await startInstrumented({ idleUnloadMs: 10 });
    const a = ts.client().open('contested');
    await a.whenSynced();
    a.doc.getText('t').insert(0, 'first ');
    await a.whenSaved();
    const room = ts.server.registry.get('contested');

    // Hold the next commit, so the unload that follows a's leaving has to wait for it.
    const appendGate = createGate();
    store.gates.append = appendGate;
    writeTitle(a.doc, 'A title');
    await waitFor(() => store.calls.append > 0, 'the commit is in flight');
    a.destroy();
    // Once a has left, the unload starts after IDLE_UNLOAD_MS and waits for the held commit.
    await waitFor(() => room?.members.size === 0, 'a has left');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ts.server.registry.get('contested')).toBe(room);

    const b = ts.client().open('contested');
    await b.whenSynced();
    expect(text(b)).toBe('first ');
    appendGate.open();
    await b.whenSaved();

    // Same room, loaded once, and it goes on working.
    expect(ts.server.registry.get('contested')).toBe(room);
    expect(store.calls.load).toBe(1);
    const c = ts.client().open('contested');
    await c.whenSynced();
    b.doc.getText('t').insert(6, 'second');
    await waitFor(() => text(c) === 'first second', 'c sees b');
    await b.whenSaved();
    expect((await committedDoc(ts.dataDir, 'contested')).getText('t').toString()).toBe('first second');
  });

  it('never loses or duplicates content whichever wins, over many tight leave/join interleavings', async () => {
    await startInstrumented({ idleUnloadMs: 0 });
    const random = createRandom(42);
    const written: string[] = [];
    for (let round = 0; round < 15; round++) {
      const session = ts.client().open('churn');
      await session.whenSynced();
      expect(text(session)).toBe(written.join(''));
      const piece = `${round},`;
      session.doc.getText('t').insert(session.doc.getText('t').length, piece);
      written.push(piece);
      if (random.chance(0.5)) await session.whenSaved();
      session.destroy();
      // Sometimes rejoin at once, sometimes after the unload had a chance to run.
      const pause = random.int(4);
      if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
    }
    const last = ts.client().open('churn');
    await last.whenSynced();
    expect(text(last)).toBe(written.join(''));
    await ts.server.writes.durable();
    expect((await committedDoc(ts.dataDir, 'churn')).getText('t').toString()).toBe(written.join(''));
  });
});
