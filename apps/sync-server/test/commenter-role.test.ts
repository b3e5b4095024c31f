import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { docFromY } from '@tandem/crdt-bridge';
import type { ShareLinkJSON } from '@tandem/crdt-bridge/api';
import { putMessage, readThreads } from '@tandem/crdt-bridge/comments';
import { verifyToken } from '../src/auth/tokens.js';
import { startTestServer, waitFor, type TestServer } from './helpers.js';
import { SECRET, firstText, message, seedUpdate, suggestion, tokenFor } from './commentRules.js';

let ts: TestServer;
afterEach(async () => ts?.stop({ wipe: true }));

const DOC = 'draft';

function api(path: string, token: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${ts.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
  });
}

describe('the commenter role', () => {
  it('comes with a share link, joins as commenter, and suggests and comments through the client', async () => {
    ts = await startTestServer({ authSecret: SECRET });
    const owner = await tokenFor('Olga', DOC, 'owner');
    const olga = ts.client({ socket: { auth: { token: owner } } }).open(DOC);
    await olga.whenSynced();
    Y.applyUpdate(olga.doc, seedUpdate());
    await olga.whenSaved();

    const response = await api(`/api/docs/${DOC}/links`, owner, {
      method: 'POST',
      body: JSON.stringify({ role: 'commenter', name: 'Carl' }),
    });
    expect(response.status).toBe(201);
    const link = (await response.json()) as ShareLinkJSON;
    expect(link.role).toBe('commenter');
    const token = decodeURIComponent(/#token=([^&]+)/.exec(link.url)![1]!);

    const carl = ts.client({ socket: { auth: { token } } }).open(DOC);
    await carl.whenSynced();
    expect(carl.status.role).toBe('commenter');
    // The link names Carl; the token's subject is the link's user, which his suggestions must carry.
    const author = (await verifyToken(SECRET, token)).user.id;
    firstText(carl.doc).insert(11, '!', { insertion: { ...suggestion('s1', 'Carl'), author } });
    putMessage(carl.doc, 't1', {
      ...message('m2', 'Carl', 'Agreed', 2_000),
      author: { id: author, name: 'Carl', color: '#3366cc' },
    });
    await carl.whenSaved();
    await waitFor(() => readThreads(olga.doc)[0]?.messages.length === 2, 'Olga sees the reply');
    expect(docFromY(olga.doc).textContent).toBe('Hello world!');
    firstText(carl.doc).insert(0, 'Plain ');
    await waitFor(() => carl.status.error?.code === 'FORBIDDEN', 'Carl is told his plain edit is refused');
    expect(docFromY(ts.server.registry.get(DOC)!.content()).textContent).not.toContain('Plain');
  });

  it('keeps commenters out of every REST change of content, and lets them read', async () => {
    ts = await startTestServer({ authSecret: SECRET });
    const owner = await tokenFor('Olga', DOC, 'owner');
    const olga = ts.client({ socket: { auth: { token: owner } } }).open(DOC);
    await olga.whenSynced();
    Y.applyUpdate(olga.doc, seedUpdate());
    await olga.whenSaved();
    const named = await api(`/api/docs/${DOC}/versions`, owner, {
      method: 'POST',
      body: JSON.stringify({ name: 'v1' }),
    });
    expect(named.status).toBeLessThan(300);
    const { versions } = (await (await api(`/api/docs/${DOC}/versions`, owner)).json()) as {
      versions: { id: string }[];
    };
    const vid = versions[0]!.id;

    const carl = await tokenFor('Carl', DOC, 'commenter');
    expect((await api(`/api/docs/${DOC}`, carl)).status).toBe(200);
    expect((await api(`/api/docs/${DOC}/export?format=markdown`, carl)).status).toBe(200);
    expect((await api(`/api/docs/${DOC}/versions`, carl)).status).toBe(200);
    const refused: [string, string, object?][] = [
      ['PATCH', `/api/docs/${DOC}`, { title: 'Mine' }],
      ['DELETE', `/api/docs/${DOC}`],
      ['POST', `/api/docs/${DOC}/versions`, { name: 'mine' }],
      ['PATCH', `/api/docs/${DOC}/versions/${vid}`, { name: 'mine' }],
      ['POST', `/api/docs/${DOC}/versions/${vid}/restore`, {}],
      ['POST', `/api/docs/${DOC}/links`, { role: 'viewer' }],
    ];
    for (const [method, path, body] of refused) {
      const response = await api(path, carl, { method, ...(body ? { body: JSON.stringify(body) } : {}) });
      expect(response.status, `${method} ${path}`).toBe(403);
    }
  });
});
