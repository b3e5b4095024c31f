import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT, type Role } from '@tandem/crdt-bridge';
import { issueToken } from '../src/auth/tokens.js';
import { statePreload } from '../src/http/editor.js';
import { startTestServer, type TestServer } from './helpers.js';

const SECRET = 'test-secret-test-secret-test-secret-0123';
let ts: TestServer;
afterEach(async () => ts?.stop({ wipe: true }));

async function imported(markdown: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`${ts.url}/api/docs/import`, {
    method: 'POST',
    headers: { 'content-type': 'text/markdown', ...headers },
    body: markdown,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

function stateOf(id: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${ts.url}/api/docs/${id}/state`, { headers });
}

function bearer(roles: Record<string, Role>): Promise<Record<string, string>> {
  return issueToken(SECRET, { id: 'ana', name: 'Ana', roles }, 3600).then((t) => ({ authorization: `Bearer ${t}` }));
}

describe('the state an opening editor fetches', () => {
  it('is the whole document, as a Yjs update', async () => {
    ts = await startTestServer();
    const id = await imported('# Plan\n\nSome text to open.\n');
    const res = await stateOf(id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    const doc = new Y.Doc();
    Y.applyUpdate(doc, new Uint8Array(await res.arrayBuffer()));
    expect(doc.getXmlFragment(CONTENT_FRAGMENT).toString()).toContain('Some text to open.');
  });

  it('is an empty 204, never a 4xx, for what the socket should refuse', async () => {
    ts = await startTestServer();
    expect((await stateOf('no-such-doc')).status).toBe(204);
    expect((await stateOf('%E0%A4%A')).status).toBe(400);
    expect((await stateOf('not%20an%20id')).status).toBe(204);
    const id = await imported('# Binned\n');
    expect((await fetch(`${ts.url}/api/docs/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await stateOf(id)).status).toBe(204);
  });

  it('is sent only to someone who may edit the document, with a token that checks', async () => {
    ts = await startTestServer({ authSecret: SECRET });
    const id = await imported('# Shared\n', await bearer({ '*': 'owner' }));
    expect((await stateOf(id)).status).toBe(204);
    expect((await stateOf(id, { authorization: 'Bearer forged' })).status).toBe(204);
    expect((await stateOf(id, await bearer({ [id]: 'viewer' }))).status).toBe(204);
    expect((await stateOf(id, await bearer({ [id]: 'editor' }))).status).toBe(200);
  });

  it('applied before the join, opens the document without counting as a change of this browser', async () => {
    ts = await startTestServer();
    const id = await imported('# Plan\n\nText to open.\n');
    const state = new Uint8Array(await (await stateOf(id)).arrayBuffer());
    const session = ts.client().open(id);
    session.applyServerState(state);
    expect(session.doc.getXmlFragment(CONTENT_FRAGMENT).toString()).toContain('Text to open.');
    expect(session.status.unsavedChanges).toBe(0);
    await session.whenSynced();
    expect(session.status.unsavedChanges).toBe(0);
    // Once synced, the socket has brought everything: a late answer is not applied again.
    const late = new Y.Doc();
    late.getXmlFragment(CONTENT_FRAGMENT).insert(0, [new Y.XmlText('stale')]);
    session.applyServerState(Y.encodeStateAsUpdate(late));
    expect(session.doc.getXmlFragment(CONTENT_FRAGMENT).toString()).not.toContain('stale');
  });

  it("is hinted in a document page's headers, so the browser fetches it with the page's code", () => {
    expect(statePreload('/d/plan-2024')).toBe('</api/docs/plan-2024/state>; rel=preload; as=fetch; crossorigin');
    expect(statePreload('/')).toBeNull();
    expect(statePreload('/trash')).toBeNull();
    expect(statePreload('/d/not%20an%20id')).toBeNull();
    expect(statePreload('/d/%E0%A4%A')).toBeNull();
  });
});
