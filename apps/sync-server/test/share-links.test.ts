import { afterEach, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Socket } from 'socket.io-client';
import { ErrorCode, PROTOCOL_VERSION, type AckResult, type DocError, type Role } from '@tandem/crdt-bridge';
import type { ShareLinkJSON, ShareLinkListJSON } from '@tandem/crdt-bridge/api';
import { AccessTokens } from '../src/auth/AccessTokens.js';
import { issueToken } from '../src/auth/tokens.js';
import { REVOCATION_CHECK_MS } from '../src/sockets/revokedLinks.js';
import { nextEvent, startTestServer, waitFor, type TestServer } from './helpers.js';

const SECRET = 'links-secret-links-secret-links-secret-01';
let ts: TestServer;
afterEach(async () => ts?.stop({ wipe: true }));

/** A token made the old way (no link): it names a person with `roles`. */
function personToken(name: string, roles: Record<string, Role>): Promise<string> {
  return issueToken(SECRET, { id: name.toLowerCase(), name, roles }, 3600);
}

async function api(path: string, token: string | undefined, init: RequestInit = {}): Promise<Response> {
  return fetch(`${ts.url}${path}`, {
    ...init,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(init.body ? { 'content-type': 'application/json' } : {}),
    },
  });
}

/** The token inside a link's address. */
function tokenIn(link: ShareLinkJSON): string {
  const match = /#token=([^&]+)/.exec(link.url);
  expect(match, link.url).not.toBeNull();
  return decodeURIComponent(match![1]!);
}

/** A raw socket signed in with `token`, connected (or refused). */
async function socketWith(token: string): Promise<{ socket: Socket; refusal: Error | null }> {
  const socket = ts.rawSocket();
  socket.auth = { token };
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket, refusal: null }));
    socket.once('connect_error', (refusal: Error) => resolve({ socket, refusal }));
  });
}

function join(socket: Socket, docId: string): Promise<AckResult> {
  return new Promise((resolve) => socket.emit('join', { docId, protocol: PROTOCOL_VERSION }, resolve));
}

async function createLink(owner: string, docId: string, body: object): Promise<ShareLinkJSON> {
  const response = await api(`/api/docs/${docId}/links`, owner, { method: 'POST', body: JSON.stringify(body) });
  expect(response.status).toBe(201);
  return (await response.json()) as ShareLinkJSON;
}

describe('share links', () => {
  it('an owner creates a viewer link that opens the document read-only, lists it with its use, and revokes it: open connections are closed at once', async () => {
    ts = await startTestServer({ authSecret: SECRET });
    const owner = await personToken('Olga', { plan: 'owner' });
    expect((await api('/api/docs', owner, { method: 'POST', body: JSON.stringify({ id: 'plan' }) })).status).toBe(201);

    const link = await createLink(owner, 'plan', { role: 'viewer', name: 'Vera', expiresInDays: 7 });
    expect(link).toMatchObject({ role: 'viewer', name: 'Vera', scope: 'plan', createdBy: 'Olga', lastUsedAt: null });
    expect(link.url).toMatch(/^\/auth#token=[^&]+&doc=plan$/);
    expect(Date.parse(link.expiresAt!) - Date.now()).toBeGreaterThan(7 * 86_400_000 - 60_000);

    const viewer = await socketWith(tokenIn(link));
    expect(viewer.refusal).toBeNull();
    expect(await join(viewer.socket, 'plan')).toEqual({ ok: true, role: 'viewer' });
    expect((await api('/api/docs/plan', tokenIn(link))).status).toBe(200);
    expect((await api('/api/docs/plan/links', tokenIn(link))).status).toBe(403);

    const listed = (await (await api('/api/docs/plan/links', owner)).json()) as ShareLinkListJSON;
    expect(listed.links.map((l) => l.id)).toEqual([link.id]);
    expect(listed.links[0]!.lastUsedAt).not.toBeNull();
    // The address can be copied again later: the same token.
    expect(listed.links[0]!.url).toBe(link.url);

    const told = nextEvent<DocError>(viewer.socket, 'doc-error', 2_000);
    const closed = nextEvent<string>(viewer.socket, 'disconnect', 2_000);
    expect((await api(`/api/docs/plan/links/${link.id}`, owner, { method: 'DELETE' })).status).toBe(204);
    expect((await told).code).toBe(ErrorCode.AccessRevoked);
    expect(await closed).toBe('io server disconnect');

    const again = await socketWith(tokenIn(link));
    expect(again.refusal?.message).toMatch(/withdrawn/);
    expect((await api('/api/docs/plan', tokenIn(link))).status).toBe(401);
    expect(((await (await api('/api/docs/plan/links', owner)).json()) as ShareLinkListJSON).links).toEqual([]);
    expect((await api(`/api/docs/plan/links/${link.id}`, owner, { method: 'DELETE' })).status).toBe(404);
  });

  it('closes connections whose link was revoked elsewhere (another node, the command line) within the check interval', async () => {
    ts = await startTestServer({ authSecret: SECRET });
    const owner = await personToken('Olga', { plan: 'owner' });
    await api('/api/docs', owner, { method: 'POST', body: JSON.stringify({ id: 'plan' }) });
    const link = await createLink(owner, 'plan', { role: 'editor' });
    const editor = await socketWith(tokenIn(link));
    expect(await join(editor.socket, 'plan')).toEqual({ ok: true, role: 'editor' });

    const told = nextEvent<DocError>(editor.socket, 'doc-error', REVOCATION_CHECK_MS * 3);
    const started = Date.now();
    // Straight in the store, as another node sharing it would: this node learns of it only by looking.
    expect(await ts.server.store.links!.revoke(link.id, Date.now())).toBe(true);
    expect((await told).code).toBe(ErrorCode.AccessRevoked);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses what only owners may do, bad requests, and open mode plainly', async () => {
    ts = await startTestServer({ authSecret: SECRET });
    const owner = await personToken('Olga', { plan: 'owner' });
    const editor = await personToken('Ed', { plan: 'editor' });
    await api('/api/docs', owner, { method: 'POST', body: JSON.stringify({ id: 'plan' }) });
    const post = (token: string, body: object, doc = 'plan') =>
      api(`/api/docs/${doc}/links`, token, { method: 'POST', body: JSON.stringify(body) });
    expect((await post(editor, { role: 'viewer' })).status).toBe(403);
    expect((await api('/api/docs/plan/links', editor)).status).toBe(403);
    expect((await post(owner, { role: 'admin' })).status).toBe(400);
    expect((await post(owner, { role: 'viewer', expiresInDays: 0 })).status).toBe(400);
    expect((await post(owner, { role: 'viewer', expiresInDays: 1.5 })).status).toBe(400);
    expect((await post(owner, { role: 'viewer', name: 7 })).status).toBe(400);
    expect((await post(await personToken('Olga', { '*': 'owner' }), { role: 'viewer' }, 'nothing-here')).status).toBe(
      404,
    );
    const link = await createLink(owner, 'plan', { role: 'viewer' });
    expect((await api(`/api/docs/plan/links/${link.id}`, editor, { method: 'DELETE' })).status).toBe(403);

    // A link for every document (as `npm run token -- --doc '*'` makes) is listed, but revoked only by someone who owns everything.
    const tokens = new AccessTokens(SECRET, ts.server.store.links);
    const wide = await tokens.createLink({ scope: '*', role: 'owner', name: 'Admin', createdBy: '', expiresAt: null });
    const listed = ((await (await api('/api/docs/plan/links', owner)).json()) as ShareLinkListJSON).links;
    expect(listed.map((l) => l.id).sort()).toEqual([link.id, wide.link.id].sort());
    expect((await api(`/api/docs/plan/links/${wide.link.id}`, owner, { method: 'DELETE' })).status).toBe(403);
    const admin = wide.token;
    expect((await api(`/api/docs/plan/links/${wide.link.id}`, admin, { method: 'DELETE' })).status).toBe(204);

    await ts.stop({ wipe: true });
    ts = await startTestServer();
    const open = await api('/api/docs/plan/links', undefined);
    expect(open.status).toBe(409);
    expect(((await open.json()) as { error: { message: string } }).error.message).toMatch(/anyone who can reach it/);
  });

  it('a document deleted for good takes its links with it: the same id made again is not opened by them', async () => {
    ts = await startTestServer({ authSecret: SECRET });
    const owner = await personToken('Olga', { '*': 'owner' });
    await api('/api/docs', owner, { method: 'POST', body: JSON.stringify({ id: 'gone' }) });
    const link = await createLink(owner, 'gone', { role: 'editor' });
    expect((await api('/api/docs/gone', tokenIn(link))).status).toBe(200);
    expect((await api('/api/docs/gone', owner, { method: 'DELETE' })).status).toBe(200);
    // In Trash the link still opens it once restored; deleted for good, it never opens again.
    expect((await api('/api/trash/gone', owner, { method: 'DELETE' })).status).toBe(204);
    await api('/api/docs', owner, { method: 'POST', body: JSON.stringify({ id: 'gone' }) });
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await api('/api/docs/gone', tokenIn(link))).status).toBe(401);
  });

  it('a link without a name lets each person choose their own; a named one names them', async () => {
    ts = await startTestServer({ authSecret: SECRET });
    const tokens = new AccessTokens(SECRET, ts.server.store.links);
    const named = await tokens.createLink({
      scope: 'plan',
      role: 'editor',
      name: 'Nia',
      createdBy: 'Olga',
      expiresAt: null,
    });
    const nameless = await tokens.createLink({
      scope: 'plan',
      role: 'editor',
      name: '',
      createdBy: 'Olga',
      expiresAt: null,
    });
    const owner = await personToken('Olga', { plan: 'owner' });
    const seen = async (token: string): Promise<string> => {
      const doc = new Y.Doc();
      const awareness = new awarenessProtocol.Awareness(doc);
      awareness.setLocalStateField('user', { name: 'Chosen Name', color: '#1971c2' });
      const session = ts.client({ socket: { auth: { token } } }).open('plan', { doc, awareness });
      const watching = new awarenessProtocol.Awareness(new Y.Doc());
      const watcher = ts
        .client({ socket: { auth: { token: owner } } })
        .open('plan', { doc: watching.doc, awareness: watching });
      await waitFor(() => watching.getStates().has(doc.clientID), 'the presence reached the watcher');
      session.destroy();
      watcher.destroy();
      return (watching.getStates().get(doc.clientID) as { user: { name: string } }).user.name;
    };
    expect(await seen(named.token)).toBe('Nia');
    expect(await seen(nameless.token)).toBe('Chosen Name');
  });
});
