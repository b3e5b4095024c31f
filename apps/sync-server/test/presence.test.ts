import { afterEach, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { PROTOCOL_VERSION, WIRE_PARSER, type AckResult, type DocError } from '@tandem/crdt-bridge';
import { encodeAwarenessEntries } from '../src/rooms/presenceRules.js';
import { startTestServer, waitFor, type TestServer } from './helpers.js';

let ts: TestServer;
afterEach(async () => ts?.stop({ wipe: true }));

/** A client with presence: its Y.Doc, Awareness and session. */
function presentClient(docId: string, name: string) {
  const doc = new Y.Doc();
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalStateField('user', { name, color: '#1971c2' });
  const client = ts.client();
  const session = client.open(docId, { doc, awareness });
  return { doc, awareness, client, session };
}

function nameOf(awareness: awarenessProtocol.Awareness, clientId: number): unknown {
  return (awareness.getStates().get(clientId) as { user?: { name?: unknown } } | undefined)?.user?.name;
}

/** A raw socket joined to `docId`, for sending hand-made messages. */
async function rawMember(docId: string) {
  const socket = connect(ts.url, { transports: ['websocket'], parser: WIRE_PARSER, forceNew: true });
  const errors: DocError[] = [];
  socket.on('doc-error', (e: DocError) => errors.push(e));
  const joined = await new Promise<AckResult>((resolve) =>
    socket.emit('join', { docId, protocol: PROTOCOL_VERSION }, resolve),
  );
  expect(joined.ok).toBe(true);
  return { socket, errors };
}

describe('presence', () => {
  it('shows everyone already in a document to a late joiner at once', async () => {
    ts = await startTestServer();
    const ana = presentClient('p1', 'Ana');
    const ben = presentClient('p1', 'Ben');
    await Promise.all([ana.session.whenSynced(), ben.session.whenSynced()]);
    await waitFor(() => nameOf(ana.awareness, ben.doc.clientID) === 'Ben', 'Ana sees Ben');
    const cy = presentClient('p1', 'Cy');
    await cy.session.whenSynced();
    await waitFor(
      () => nameOf(cy.awareness, ana.doc.clientID) === 'Ana' && nameOf(cy.awareness, ben.doc.clientID) === 'Ben',
      'Cy sees Ana and Ben',
    );
  });

  it('removes a connection’s presence for the others as soon as it disconnects', async () => {
    ts = await startTestServer();
    const ana = presentClient('p2', 'Ana');
    const ben = presentClient('p2', 'Ben');
    await waitFor(() => nameOf(ana.awareness, ben.doc.clientID) === 'Ben', 'Ana sees Ben');
    ben.client.socket.disconnect();
    await waitFor(() => !ana.awareness.getStates().has(ben.doc.clientID), 'Ben disappears for Ana', 2_000);
  });

  it('brings a reconnecting client’s presence back for the others', async () => {
    ts = await startTestServer();
    const ana = presentClient('p3', 'Ana');
    const ben = presentClient('p3', 'Ben');
    await waitFor(() => nameOf(ana.awareness, ben.doc.clientID) === 'Ben', 'Ana sees Ben');
    ben.client.socket.disconnect();
    await waitFor(() => !ana.awareness.getStates().has(ben.doc.clientID), 'Ben leaves');
    ben.client.socket.connect();
    await waitFor(() => nameOf(ana.awareness, ben.doc.clientID) === 'Ben', 'Ben is back for Ana');
  });

  it('relays a renamed user to the others', async () => {
    ts = await startTestServer();
    const ana = presentClient('p4', 'Ana');
    const ben = presentClient('p4', 'Ben');
    await waitFor(() => nameOf(ana.awareness, ben.doc.clientID) === 'Ben', 'Ana sees Ben');
    ben.awareness.setLocalStateField('user', { name: 'Benjamin', color: '#1971c2' });
    await waitFor(() => nameOf(ana.awareness, ben.doc.clientID) === 'Benjamin', 'Ana sees the new name');
  });

  it('refuses presence written under another connection’s client id, leaving the victim unchanged', async () => {
    ts = await startTestServer();
    const ana = presentClient('p5', 'Ana');
    const ben = presentClient('p5', 'Ben');
    await waitFor(() => nameOf(ben.awareness, ana.doc.clientID) === 'Ana', 'Ben sees Ana');
    const mallory = await rawMember('p5');
    const clock = ana.awareness.meta.get(ana.doc.clientID)!.clock;
    // Impersonate Ana, then try to remove her.
    mallory.socket.emit(
      'awareness',
      'p5',
      encodeAwarenessEntries([{ clientId: ana.doc.clientID, clock: clock + 5, state: { user: { name: 'Mallory' } } }]),
    );
    mallory.socket.emit(
      'awareness',
      'p5',
      encodeAwarenessEntries([{ clientId: ana.doc.clientID, clock: clock + 6, state: null }]),
    );
    await waitFor(() => mallory.errors.length >= 2, 'Mallory is told no twice');
    expect(mallory.errors.map((e) => e.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    // Ana's later changes still flow, proving the relay works and her state was never replaced.
    ana.awareness.setLocalStateField('typing', true);
    await waitFor(
      () => (ben.awareness.getStates().get(ana.doc.clientID) as { typing?: boolean } | undefined)?.typing === true,
      'Ben sees Ana typing',
    );
    expect(nameOf(ben.awareness, ana.doc.clientID)).toBe('Ana');
    mallory.socket.disconnect();
  });

  it('refuses oversized, deeply nested and non-JSON presence without disturbing others', async () => {
    ts = await startTestServer();
    const ana = presentClient('p6', 'Ana');
    const ben = presentClient('p6', 'Ben');
    await waitFor(() => nameOf(ben.awareness, ana.doc.clientID) === 'Ana', 'Ben sees Ana');
    const mallory = await rawMember('p6');
    const deep = JSON.parse('{"a":'.repeat(200) + '1' + '}'.repeat(200)) as unknown;
    mallory.socket.emit(
      'awareness',
      'p6',
      encodeAwarenessEntries([{ clientId: 4242, clock: 1, state: { blob: 'x'.repeat(100_000) } }]),
    );
    mallory.socket.emit('awareness', 'p6', encodeAwarenessEntries([{ clientId: 4242, clock: 2, state: deep }]));
    mallory.socket.emit('awareness', 'p6', new Uint8Array([1, 5, 1, 3, 0x7b, 0x7b, 0x7b]));
    await waitFor(() => mallory.errors.length >= 3, 'three refusals');
    expect(mallory.errors.map((e) => e.code)).toEqual(['MESSAGE_TOO_LARGE', 'MALFORMED_UPDATE', 'MALFORMED_UPDATE']);
    expect(ben.awareness.getStates().has(4242)).toBe(false);
    ana.awareness.setLocalStateField('typing', true);
    await waitFor(
      () => (ben.awareness.getStates().get(ana.doc.clientID) as { typing?: boolean } | undefined)?.typing === true,
      'presence still flows',
    );
    mallory.socket.disconnect();
  });

  it('coalesces a burst of presence changes but always delivers the latest', async () => {
    ts = await startTestServer();
    const ana = presentClient('p7', 'Ana');
    const ben = presentClient('p7', 'Ben');
    await waitFor(() => nameOf(ben.awareness, ana.doc.clientID) === 'Ana', 'Ben sees Ana');
    let received = 0;
    ben.client.socket.on('awareness', () => received++);
    for (let i = 0; i < 100; i++) ana.awareness.setLocalStateField('n', i);
    await waitFor(
      () => (ben.awareness.getStates().get(ana.doc.clientID) as { n?: number } | undefined)?.n === 99,
      'Ben sees the last value',
    );
    expect(received).toBeLessThan(100);
  });

  it('keeps a newer presence over an older one sent after it, and relays a removal', async () => {
    ts = await startTestServer();
    const ben = presentClient('p8', 'Ben');
    const mallory = await rawMember('p8');
    const n = (awareness: awarenessProtocol.Awareness): unknown =>
      (awareness.getStates().get(4343) as { n?: number } | undefined)?.n;
    mallory.socket.emit('awareness', 'p8', encodeAwarenessEntries([{ clientId: 4343, clock: 5, state: { n: 5 } }]));
    await waitFor(() => n(ben.awareness) === 5, 'Ben sees 5');
    mallory.socket.emit('awareness', 'p8', encodeAwarenessEntries([{ clientId: 4343, clock: 4, state: { n: 4 } }]));
    mallory.socket.emit('awareness', 'p8', encodeAwarenessEntries([{ clientId: 4344, clock: 1, state: { n: 1 } }]));
    await waitFor(() => ben.awareness.getStates().has(4344), 'Ben sees the message after the old one');
    // A newcomer is given what the server holds (Ben's own Awareness would drop an older clock anyway).
    const cleo = presentClient('p8', 'Cleo');
    await waitFor(() => cleo.awareness.getStates().has(4344), 'Cleo sees everyone');
    expect(n(cleo.awareness)).toBe(5);
    // The same clock with no state removes it, for everyone.
    mallory.socket.emit('awareness', 'p8', encodeAwarenessEntries([{ clientId: 4343, clock: 5, state: null }]));
    await waitFor(() => !ben.awareness.getStates().has(4343) && !cleo.awareness.getStates().has(4343), 'removed');
    mallory.socket.disconnect();
  });
});
