import { afterEach, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { PROTOCOL_VERSION, WIRE_PARSER, encodeUpdate, type AckResult, type Role } from '@tandem/crdt-bridge';
import { issueToken } from '../src/auth/tokens.js';
import { startTestServer, text, waitFor, type TestServer } from './helpers.js';

const SECRET = 'test-secret-test-secret-test-secret-0123';
let ts: TestServer;
afterEach(async () => ts?.stop({ wipe: true }));

function token(name: string, roles: Record<string, Role>, ttlSeconds = 3600, secret = SECRET): Promise<string> {
  return issueToken(secret, { id: name.toLowerCase(), name, roles }, ttlSeconds);
}

/** A raw socket that presents `tok`; resolves once connected or with the refusal message. */
async function rawSocket(tok: string | undefined): Promise<{ socket: Socket; refused: string | null; code: unknown }> {
  const socket = connect(ts.url, {
    transports: ['websocket'],
    parser: WIRE_PARSER,
    forceNew: true,
    reconnection: false,
    auth: tok ? { token: tok } : {},
  });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket, refused: null, code: null }));
    socket.once('connect_error', (err: Error & { data?: { code?: unknown } }) =>
      resolve({ socket, refused: err.message, code: err.data?.code }),
    );
  });
}

function join(socket: Socket, docId: string): Promise<AckResult> {
  return new Promise((resolve) => socket.emit('join', { docId, protocol: PROTOCOL_VERSION }, resolve));
}

async function api(path: string, tok: string | undefined, init: RequestInit = {}): Promise<Response> {
  return fetch(`${ts.url}${path}`, {
    ...init,
    headers: { ...(tok ? { authorization: `Bearer ${tok}` } : {}), ...(init.headers as Record<string, string>) },
  });
}

describe('token mode', () => {
  it('refuses sockets without a token, with a wrong signature, or expired', async () => {
    ts = await startTestServer({ authSecret: SECRET });
    const none = await rawSocket(undefined);
    expect(none.code).toBe('UNAUTHORIZED');
    const forged = await rawSocket(await token('Eve', { '*': 'owner' }, 3600, 'another-secret-another-secret-another'));
    expect(forged.code).toBe('UNAUTHORIZED');
    const expired = await rawSocket(await token('Old', { '*': 'owner' }, -10));
    expect(expired.code).toBe('UNAUTHORIZED');
    expect(expired.refused).toMatch(/expired/);
    for (const s of [none, forged, expired]) s.socket.close();
  });

  it('lets an editor edit, and refuses a viewer’s edits without applying, storing or relaying them', async () => {
    ts = await startTestServer({ authSecret: SECRET });
    const editor = ts.client({ socket: { auth: { token: await token('Ana', { plan: 'editor' }) } } }).open('plan');
    await editor.whenSynced();
    expect(editor.status.role).toBe('editor');
    editor.doc.getText('t').insert(0, 'agreed');
    await editor.whenSaved();

    const viewerClient = ts.client({ socket: { auth: { token: await token('Vic', { plan: 'viewer' }) } } });
    const viewer = viewerClient.open('plan');
    await viewer.whenSynced();
    expect(viewer.status.role).toBe('viewer');
    expect(text(viewer)).toBe('agreed');
    viewer.doc.getText('t').insert(0, 'HACKED ');
    await waitFor(() => viewer.status.error?.code === 'FORBIDDEN', 'the viewer is told');
    editor.doc.getText('t').insert(6, '!');
    await editor.whenSaved();
    await waitFor(() => text(viewer).endsWith('agreed!'), 'the viewer still receives edits');
    expect(text(editor)).toBe('agreed!');
    const room = ts.server.registry.get('plan')!;
    expect(room.content().getText('t').toString()).toBe('agreed!');
  });

  it('refuses to join a document the token grants nothing on, and honours prefix wildcards', async () => {
    ts = await startTestServer({ authSecret: SECRET });
    const { socket } = await rawSocket(await token('Tom', { 'team-*': 'editor' }));
    expect(await join(socket, 'team-notes')).toMatchObject({ ok: true, role: 'editor' });
    expect(await join(socket, 'secret')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    socket.close();
  });

  it('stamps the token’s name on presence, whatever the client claims', async () => {
    ts = await startTestServer({ authSecret: SECRET });
    const doc = new Y.Doc();
    const awareness = new awarenessProtocol.Awareness(doc);
    awareness.setLocalStateField('user', { name: 'The CEO', color: '#1971c2' });
    const liar = ts
      .client({ socket: { auth: { token: await token('Mallory', { d: 'editor' }) } } })
      .open('d', { doc, awareness });
    await liar.whenSynced();
    const watcher = ts.client({ socket: { auth: { token: await token('Wes', { d: 'viewer' }) } } });
    const watcherAwareness = new awarenessProtocol.Awareness(new Y.Doc());
    const seen = watcher.open('d', { doc: watcherAwareness.doc, awareness: watcherAwareness });
    await seen.whenSynced();
    await waitFor(() => watcherAwareness.getStates().has(doc.clientID), 'presence arrives');
    expect((watcherAwareness.getStates().get(doc.clientID) as { user: { name: string } }).user.name).toBe('Mallory');
  });

  it('asks for the token again on every reconnect', async () => {
    ts = await startTestServer({ authSecret: SECRET });
    let current = await token('Ana', { r: 'editor' });
    const client = ts.client({ socket: { auth: (send: (data: object) => void) => send({ token: current }) } });
    const session = client.open('r');
    await session.whenSynced();
    current = 'not-a-token';
    client.socket.disconnect();
    client.socket.connect();
    await waitFor(() => session.status.error?.code === 'UNAUTHORIZED', 'the revoked token is refused on reconnect');
  });

  it('protects the HTTP API the same way', async () => {
    ts = await startTestServer({ authSecret: SECRET });
    expect((await api('/healthz', undefined)).status).toBe(200);
    expect((await api('/api/docs', undefined)).status).toBe(401);
    const owner = await token('Olga', { '*': 'owner' });
    const viewer = await token('Vic', { a: 'viewer' });
    expect((await api('/api/docs', owner, { method: 'POST', body: JSON.stringify({ id: 'a' }) })).status).toBe(201);
    await api('/api/docs', owner, { method: 'POST', body: JSON.stringify({ id: 'b' }) });
    const list = (await (await api('/api/docs', viewer)).json()) as { documents: { id: string }[] };
    expect(list.documents.map((d) => d.id)).toEqual(['a']);
    expect((await api('/api/docs/a/export?format=markdown', viewer)).status).toBe(200);
    expect((await api('/api/docs/a', viewer, { method: 'PATCH', body: JSON.stringify({ title: 'x' }) })).status).toBe(
      403,
    );
    expect((await api('/api/docs/a', viewer, { method: 'DELETE' })).status).toBe(403);
    expect((await api('/api/docs', viewer, { method: 'POST', body: '{}' })).status).toBe(403);
    expect((await api('/api/docs/a', owner, { method: 'DELETE' })).status).toBe(200);
  });

  it('never applies an update sent by a viewer over a raw socket', async () => {
    ts = await startTestServer({ authSecret: SECRET });
    const created = await api('/api/docs', await token('Eda', { raw: 'editor' }), {
      method: 'POST',
      body: JSON.stringify({ id: 'raw' }),
    });
    expect(created.status).toBe(201);
    const { socket } = await rawSocket(await token('Vic', { raw: 'viewer' }));
    expect(await join(socket, 'raw')).toMatchObject({ ok: true, role: 'viewer' });
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'forged');
    const result = await new Promise<AckResult>((resolve) =>
      socket.emit('sync', 'raw', encodeUpdate(Y.encodeStateAsUpdate(doc)), resolve),
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(ts.server.registry.get('raw')!.content().getText('t').toString()).toBe('');
    socket.close();
  });
});

describe('open mode', () => {
  it('lets anyone edit as an owner', async () => {
    ts = await startTestServer();
    const session = ts.client().open('open');
    await session.whenSynced();
    expect(session.status.role).toBe('owner');
    expect((await api('/api/docs', undefined)).status).toBe(200);
  });
});
