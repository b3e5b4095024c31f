import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { PROTOCOL_VERSION, decodeSyncMessage, encodeStep1, toBytes } from '@tandem/crdt-bridge';
import { AckLedger, containsUpdate } from '@tandem/crdt-bridge/testing';
import { committedDoc, startTestServer, text, waitFor, type TestServer } from './helpers.js';

let ts: TestServer;
afterEach(async () => ts?.stop({ wipe: true }));

describe('sync between clients through the server', () => {
  it('relays an edit from one client to another', async () => {
    ts = await startTestServer();
    const a = ts.client().open('doc1');
    const b = ts.client().open('doc1');
    await Promise.all([a.whenSynced(), b.whenSynced()]);
    a.doc.getText('t').insert(0, 'hello');
    await waitFor(() => text(b) === 'hello', 'b sees a’s edit');
    await a.whenSaved();
    expect(a.status.save).toBe('saved');
  });

  it('relays updates of every WebSocket frame size intact, in order', async () => {
    // Broadcasts are framed once for all recipients; the frame header has three length forms.
    ts = await startTestServer();
    const a = ts.client().open('frames');
    const b = ts.client().open('frames');
    const c = ts.client().open('frames');
    await Promise.all([a.whenSynced(), b.whenSynced(), c.whenSynced()]);
    const chunks = ['x', 'y'.repeat(300), 'z'.repeat(80_000), 'w'];
    // One transaction per chunk, all in one turn: the server sends them to each reader together.
    for (const chunk of chunks) a.doc.getText('t').insert(a.doc.getText('t').length, chunk);
    const expected = chunks.join('');
    await waitFor(() => text(b) === expected && text(c) === expected, 'b and c see every chunk');
    await a.whenSaved();
  });

  it('sends what a late joiner lacks when it joins', async () => {
    ts = await startTestServer();
    const a = ts.client().open('doc2');
    await a.whenSynced();
    a.doc.getText('t').insert(0, 'before');
    await a.whenSaved();
    const b = ts.client().open('doc2');
    await b.whenSynced();
    expect(text(b)).toBe('before');
  });

  it('multiplexes several documents on one connection without mixing them', async () => {
    ts = await startTestServer();
    const c1 = ts.client();
    const c2 = ts.client();
    const x1 = c1.open('x');
    const y1 = c1.open('y');
    const x2 = c2.open('x');
    const y2 = c2.open('y');
    await Promise.all([x1, y1, x2, y2].map((s) => s.whenSynced()));
    x1.doc.getText('t').insert(0, 'in x');
    y2.doc.getText('t').insert(0, 'in y');
    await waitFor(() => text(x2) === 'in x' && text(y1) === 'in y', 'both documents sync');
    expect(text(y2)).toBe('in y');
    expect(text(x1)).toBe('in x');
  });

  it('restores content from SQLite after a restart', async () => {
    ts = await startTestServer();
    const a = ts.client().open('persist');
    await a.whenSynced();
    a.doc.getText('t').insert(0, 'durable');
    await a.whenSaved();
    const dataDir = ts.dataDir;
    await ts.stop();
    ts = await startTestServer({}, { dataDir });
    const b = ts.client().open('persist');
    await b.whenSynced();
    expect(text(b)).toBe('durable');
  });

  it('merges edits made offline when the connection returns', async () => {
    ts = await startTestServer();
    const clientA = ts.client();
    const a = clientA.open('offline');
    const b = ts.client().open('offline');
    await Promise.all([a.whenSynced(), b.whenSynced()]);
    clientA.socket.disconnect();
    await waitFor(() => a.status.connection === 'offline', 'a goes offline');
    a.doc.getText('t').insert(0, 'A-offline ');
    b.doc.getText('t').insert(0, 'B-online ');
    await b.whenSaved();
    expect(a.status.save).toBe('saving');
    clientA.socket.connect();
    await waitFor(
      () => text(a) === text(b) && text(a).includes('A-offline') && text(a).includes('B-online'),
      'both converge',
    );
    await a.whenSaved();
    const doc = new Y.Doc();
    const c = ts.client().open('offline', { doc });
    await c.whenSynced();
    expect(text(doc)).toBe(text(a));
  });
});

describe('an edit that builds on changes the server lacks', () => {
  it('is not reported saved until the step 2 that carries them is stored', async () => {
    ts = await startTestServer();
    const a = ts.client().open('deps');
    await a.whenSynced();
    // Someone else's change that reached this client but never the server (its owner died first).
    const elsewhere = new Y.Doc();
    elsewhere.getText('t').insert(0, 'theirs ');
    Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(elsewhere), a);
    const ledger = new AckLedger(a);
    const checks: boolean[] = [];
    ledger.onAcknowledge(
      (acknowledged) =>
        void committedDoc(ts!.dataDir, 'deps').then((doc) => checks.push(containsUpdate(doc, acknowledged))),
    );
    // Builds on "theirs ": the server answers MISSING_DEPENDENCIES, then asks with its own step 1.
    a.doc.getText('t').insert(7, 'mine');
    await waitFor(() => checks.length > 0, 'the change is reported saved');
    await a.whenSaved();
    expect(checks.every(Boolean), 'what was reported saved was in storage').toBe(true);
    expect(checks.length).toBeGreaterThan(0);
    expect(containsUpdate(await committedDoc(ts.dataDir, 'deps'), Y.encodeStateAsUpdate(a.doc))).toBe(true);
  });
});

describe('opening a document in one round trip', () => {
  it('answers a sync step 1 sent right behind the join, after the join’s ack', async () => {
    ts = await startTestServer();
    const writer = ts.client().open('pipelined');
    await writer.whenSynced();
    writer.doc.getText('t').insert(0, 'already here');
    await writer.whenSaved();
    const socket = ts.rawSocket();
    const events: string[] = [];
    const doc = new Y.Doc();
    socket.on('sync', (_docId: string, bytes: ArrayBuffer | Uint8Array) => {
      const message = decodeSyncMessage(toBytes(bytes)!);
      events.push(message.type);
      if (message.type === 'step2') Y.applyUpdate(doc, message.update);
    });
    socket.emit('join', { docId: 'pipelined', protocol: PROTOCOL_VERSION }, () => events.push('join-ack'));
    socket.emit('sync', 'pipelined', encodeStep1(doc), () => events.push('step1-ack'));
    await waitFor(() => doc.getText('t').toString() === 'already here', 'the pipelined step 1 is answered');
    expect(events.slice(0, 2)).toEqual(['join-ack', 'step2']);
    socket.disconnect();
  });
});

describe('the whole state kept for newcomers', () => {
  it('is refreshed by every change, so each newcomer gets everything so far', async () => {
    ts = await startTestServer({ compactRows: 2 });
    const a = ts.client().open('cached');
    await a.whenSynced();
    for (const word of ['one ', 'two ', 'three ']) {
      a.doc.getText('t').insert(a.doc.getText('t').length, word);
      await a.whenSaved();
      const newcomer = ts.client().open('cached');
      await newcomer.whenSynced();
      expect(text(newcomer)).toBe(text(a));
    }
    // After a restart the document is one compacted row, served as stored.
    const dataDir = ts.dataDir;
    await ts.stop();
    ts = await startTestServer({}, { dataDir });
    const late = ts.client().open('cached');
    await late.whenSynced();
    expect(text(late)).toBe('one two three ');
  });
});
