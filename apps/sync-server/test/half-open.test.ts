import { afterEach, describe, expect, it } from 'vitest';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { ConnectionStatus } from '@tandem/crdt-bridge';
import { readCommitted, startTestServer, text, waitFor, type TestServer } from './helpers.js';
import { TcpProxy } from './tcpProxy.js';

let ts: TestServer;
let proxy: TcpProxy;

afterEach(async () => {
  proxy?.thaw();
  await proxy?.close();
  await ts?.stop({ wipe: true });
});

async function startBehindProxy(overrides: Parameters<typeof startTestServer>[0] = {}): Promise<void> {
  ts = await startTestServer(overrides);
  proxy = await TcpProxy.start(ts.port);
}

describe('a connection that stops delivering without closing (half-open)', () => {
  it('is rebuilt by a client waiting on an acknowledgement, which ends saved and converged', async () => {
    // Default heartbeats (seconds): only the acknowledgement watchdog can notice in time.
    await startBehindProxy();
    const client = ts.client({ url: proxy.url, ackTimeoutMs: 150, probeTimeoutMs: 150 });
    const a = client.open('frozen');
    const b = ts.client().open('frozen');
    await Promise.all([a.whenSynced(), b.whenSynced()]);
    a.doc.getText('t').insert(0, 'before ');
    await Promise.all([a.whenSaved(), waitFor(() => text(b) === 'before ', 'b has the first edit')]);
    const acceptedBefore = proxy.accepted;

    proxy.freeze();
    a.doc.getText('t').insert(7, 'during');
    // The acknowledgement is overdue, the probe goes unanswered: the client starts a new connection.
    await waitFor(() => proxy.accepted > acceptedBefore, 'a opens a new connection');
    expect(a.status.connection).toBe('offline');
    expect(a.status.save).toBe('saving');
    expect(text(b)).toBe('before ');

    proxy.thaw();
    await waitFor(
      () => a.status.connection === 'synced' && a.status.save === 'saved' && text(b) === 'before during',
      'a is back, saved, and b has its edit',
    );
    expect(text(a)).toBe('before during');
    expect(readCommitted(ts.dataDir, 'frozen').getText('t').toString()).toBe('before during');
  });

  it('is dropped by the server when heartbeats stop, taking the member’s presence with it', async () => {
    await startBehindProxy({ pingIntervalMs: 100, pingTimeoutMs: 100 });
    const aDoc = new Y.Doc();
    const aAwareness = new Awareness(aDoc);
    aAwareness.setLocalState({ name: 'a' });
    const bDoc = new Y.Doc();
    const bAwareness = new Awareness(bDoc);
    const a = ts.client({ url: proxy.url }).open('heartbeat', { doc: aDoc, awareness: aAwareness });
    const b = ts.client().open('heartbeat', { doc: bDoc, awareness: bAwareness });
    await Promise.all([a.whenSynced(), b.whenSynced()]);
    await waitFor(() => bAwareness.getStates().has(aDoc.clientID), 'b sees a’s presence');
    const room = ts.server.registry.get('heartbeat');
    expect(room?.members.size).toBe(2);

    proxy.freeze();
    await waitFor(() => room?.members.size === 1, 'the server drops the silent member');
    await waitFor(() => !bAwareness.getStates().has(aDoc.clientID), 'b no longer sees a');

    // The network comes back: a rejoins and its presence returns.
    proxy.thaw();
    await waitFor(() => a.status.connection === 'synced', 'a is back');
    await waitFor(() => bAwareness.getStates().has(aDoc.clientID), 'b sees a again');
    expect(room?.members.size).toBe(2);
  });
});

describe('a connection that is cut', () => {
  it('goes offline, keeps local edits, and recovers to saved and converged when the network returns', async () => {
    await startBehindProxy();
    const a = ts.client({ url: proxy.url }).open('cut');
    const b = ts.client().open('cut');
    await Promise.all([a.whenSynced(), b.whenSynced()]);
    const seen: ConnectionStatus[] = [];
    a.on('status', (status) => {
      if (seen.at(-1) !== status.connection) seen.push(status.connection);
    });

    proxy.refuse(true);
    proxy.cut();
    await waitFor(() => a.status.connection === 'offline', 'a goes offline');
    a.doc.getText('t').insert(0, 'A ');
    b.doc.getText('t').insert(0, 'B ');
    await b.whenSaved();
    expect(a.status.save).toBe('saving');
    expect(text(b)).toBe('B ');
    // The server let go of a's old connection at once.
    await waitFor(() => ts.server.registry.get('cut')?.members.size === 1, 'the server drops a');

    proxy.refuse(false);
    await waitFor(
      () => a.status.connection === 'synced' && a.status.save === 'saved' && text(a) === text(b),
      'a recovers and converges',
    );
    expect(text(a)).toMatch(/^(A B |B A )$/);
    expect(seen[0]).toBe('offline');
    expect(seen.at(-1)).toBe('synced');
    expect(ts.server.registry.get('cut')?.members.size).toBe(2);
    expect(readCommitted(ts.dataDir, 'cut').getText('t').toString()).toBe(text(a));
  });
});
