import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { io as connect } from 'socket.io-client';
import { ErrorCode, PROTOCOL_VERSION, WIRE_PARSER, type AckResult, type Role } from '@tandem/crdt-bridge';
import { issueToken } from '../src/auth/tokens.js';
import { NoSuchDocument } from '../src/rooms/RoomRegistry.js';
import { startTestServer, text, waitFor, type TestServer } from './helpers.js';
import { addParagraph, person } from './historyHelpers.js';

const SECRET = 'quota-secret-quota-secret-quota-secret-01';
let ts: TestServer;
afterEach(async () => ts?.stop({ wipe: true }));

function token(id: string, roles: Record<string, Role>): Promise<string> {
  return issueToken(SECRET, { id, name: id, roles }, 3600);
}

interface ErrorBody {
  error: { code: string; message: string };
}

async function api(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const { token: tok, ...rest } = init;
  return fetch(`${ts.url}${path}`, {
    ...rest,
    headers: { ...(tok ? { authorization: `Bearer ${tok}` } : {}), ...(rest.headers as Record<string, string>) },
  });
}

const post = (path: string, body: unknown, tok?: string): Promise<Response> =>
  api(path, { method: 'POST', body: JSON.stringify(body), ...(tok ? { token: tok } : {}) });

/** Expects a 429 with Retry-After and a sentence that says when to try again. */
async function expectTooMany(res: Response, wording: RegExp): Promise<void> {
  expect(res.status).toBe(429);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  const { error } = (await res.json()) as ErrorBody;
  expect(error.code).toBe('RATE_LIMITED');
  expect(error.message).toMatch(wording);
  expect(error.message).toMatch(/ in (\d+ (seconds?|minutes?)|about an hour|about \d+ hours)\.$/);
}

/** A raw Socket.IO connection, optionally with a token; resolves once connected. */
async function rawSocket(tok?: string): Promise<Socket> {
  const socket = connect(ts.url, {
    transports: ['websocket'],
    parser: WIRE_PARSER,
    forceNew: true,
    reconnection: false,
    auth: tok ? { token: tok } : {},
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

async function join(socket: Socket, docId: string): Promise<AckResult> {
  return (await socket.timeout(5_000).emitWithAck('join', { docId, protocol: PROTOCOL_VERSION })) as AckResult;
}

describe('naming versions', () => {
  it('is limited per document: over the burst, a 429 says when to try again; other documents are unaffected', async () => {
    ts = await startTestServer({ namedVersionsPerHour: 2, namedVersionsBurst: 3 });
    for (const id of ['busy', 'calm']) {
      const p = await person(ts, id, 'Ana');
      addParagraph(p.doc, 'text');
      await p.session.whenSaved();
    }
    for (let i = 1; i <= 3; i++) expect((await post('/api/docs/busy/versions', { name: `v${i}` })).status).toBe(201);
    const refused = await post('/api/docs/busy/versions', { name: 'v4' });
    await expectTooMany(refused, /^This document has been given many named versions recently\. You can name another/);
    // Two an hour: the next one comes in half an hour.
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(29 * 60);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(30 * 60);
    expect((await post('/api/docs/calm/versions', { name: 'fine' })).status).toBe(201);
    const list = (await (await api('/api/docs/busy/versions')).json()) as { versions: { name: string }[] };
    expect(list.versions.map((v) => v.name)).toEqual(['v3', 'v2', 'v1']);
  });
});

describe('restoring versions', () => {
  it('is limited per document, block restores included, and leaves the document as the last allowed restore made it', async () => {
    ts = await startTestServer({ restoresPerHour: 1, restoresBurst: 2 });
    const p = await person(ts, 'doc', 'Ana');
    addParagraph(p.doc, 'first');
    await p.session.whenSaved();
    const named = (await (await post('/api/docs/doc/versions', { name: 'first' })).json()) as { id: number };
    addParagraph(p.doc, 'second');
    await p.session.whenSaved();
    expect((await post(`/api/docs/doc/versions/${named.id}/restore`, {})).status).toBe(200);
    expect((await post(`/api/docs/doc/versions/${named.id}/restore`, { block: 0 })).status).toBe(200);
    const refused = await post(`/api/docs/doc/versions/${named.id}/restore`, {});
    await expectTooMany(refused, /^This document has been restored many times recently\. You can restore it again/);
    await waitFor(() => text(p.doc) === '' && p.doc.getXmlFragment('prosemirror').length === 1, 'restored');
    // The person editing is undisturbed.
    addParagraph(p.doc, 'still writing');
    await p.session.whenSaved();
  });
});

describe('creating documents', () => {
  it('counts every way a document comes into being against one hourly quota per address (open mode)', async () => {
    ts = await startTestServer({ docsPerHour: 1, docsBurst: 4 });
    expect((await post('/api/docs', {})).status).toBe(201);
    expect((await post('/api/docs', { id: 'named' })).status).toBe(201);
    const imported = await api('/api/docs/import', { method: 'POST', body: '# Imported' });
    expect(imported.status).toBe(201);
    const p = await person(ts, 'joined', 'Ana'); // the fourth: created by joining
    addParagraph(p.doc, 'content');
    await p.session.whenSaved();
    const version = (await (await post('/api/docs/joined/versions', { name: 'v' })).json()) as { id: number };

    await expectTooMany(await post('/api/docs', {}), /^You have created too many documents recently\./);
    await expectTooMany(await api('/api/docs/import', { method: 'POST', body: '# More' }), /too many documents/);
    await expectTooMany(await post(`/api/docs/joined/versions/${version.id}/copy`, {}), /too many documents/);
    const socket = await rawSocket();
    const refused = await join(socket, 'one-more');
    expect(refused).toEqual({
      ok: false,
      error: {
        docId: 'one-more',
        code: ErrorCode.QuotaExceeded,
        message: expect.stringMatching(/^You have created too many documents recently\. You can create another in/),
      },
    });
    expect(await ts.server.store.get('one-more')).toBeNull();

    // What already exists is not creating: asking for it again, and joining it, still work.
    expect((await post('/api/docs', { id: 'named' })).status).toBe(200);
    expect(await join(socket, 'named')).toMatchObject({ ok: true });
    const list = (await (await api('/api/docs')).json()) as { documents: unknown[] };
    expect(list.documents).toHaveLength(4);
  });

  it('counts per token user in token mode: one person over the quota does not hold back another', async () => {
    ts = await startTestServer({ authSecret: SECRET, docsPerHour: 1, docsBurst: 1 });
    const ana = await token('ana', { '*': 'editor' });
    const ben = await token('ben', { '*': 'editor' });
    expect((await post('/api/docs', {}, ana)).status).toBe(201);
    await expectTooMany(await post('/api/docs', {}, ana), /too many documents/);
    expect((await post('/api/docs', {}, ben)).status).toBe(201);
    expect(await join(await rawSocket(ana), 'anas-next')).toMatchObject({
      ok: false,
      error: { code: ErrorCode.QuotaExceeded },
    });
  });
});

describe('joining a document that does not exist', () => {
  it('creates it for an editor, but not for a viewer, who is told there is no such document', async () => {
    ts = await startTestServer({ authSecret: SECRET });
    const viewer = await rawSocket(await token('vic', { 'team-*': 'viewer' }));
    expect(await join(viewer, 'team-plan')).toEqual({
      ok: false,
      error: {
        docId: 'team-plan',
        code: ErrorCode.DocumentNotFound,
        message: 'There is no document at this address. Check the link, or ask the person who shared it.',
      },
    });
    expect(await ts.server.store.get('team-plan')).toBeNull();
    // Fifty tries make nothing either.
    for (let i = 0; i < 50; i++) expect((await join(viewer, `team-${i}`)).ok).toBe(false);
    const everything = await api('/api/docs', { token: await token('own', { '*': 'owner' }) });
    expect(((await everything.json()) as { documents: unknown[] }).documents).toEqual([]);

    const editor = await rawSocket(await token('eda', { 'team-*': 'editor' }));
    expect(await join(editor, 'team-plan')).toEqual({ ok: true, role: 'editor' });
    expect(await ts.server.store.get('team-plan')).not.toBeNull();
    expect(await join(viewer, 'team-plan')).toEqual({ ok: true, role: 'viewer' });
  });

  it('never revives a deleted one; an explicit create by an editor does, and clears the tombstone', async () => {
    ts = await startTestServer();
    const p = await person(ts, 'gone', 'Ana');
    addParagraph(p.doc, 'old words');
    await p.session.whenSaved();
    expect((await api('/api/docs/gone', { method: 'DELETE' })).status).toBe(200);
    expect((await api('/api/trash/gone', { method: 'DELETE' })).status).toBe(204);
    await waitFor(() => p.session.isDeleted, 'the person who had it open is told');

    const socket = await rawSocket();
    expect(await join(socket, 'gone')).toEqual({
      ok: false,
      error: { docId: 'gone', code: ErrorCode.DocumentDeleted, message: 'This document was deleted.' },
    });
    expect(await ts.server.store.get('gone')).toBeNull();
    // A client that still holds the old content cannot bring it back either, and stops trying.
    const again = ts.client().open('gone');
    await waitFor(() => again.isDeleted, 'the late client learns it was deleted');
    expect(again.status.error?.code).toBe(ErrorCode.DocumentDeleted);
    // HTTP paths that load a document do not create it either.
    await expect(ts.server.registry.withRoom('gone', () => 'loaded')).rejects.toBeInstanceOf(NoSuchDocument);
    expect((await post('/api/docs/gone/versions', { name: 'x' })).status).toBe(404);
    expect((await api('/api/docs/gone', { method: 'PATCH', body: '{"title":"x"}' })).status).toBe(404);
    expect(await ts.server.store.get('gone')).toBeNull();

    expect((await post('/api/docs', { id: 'gone' })).status).toBe(201);
    expect(await ts.server.store.deletedAt('gone')).toBeNull();
    expect(await join(socket, 'gone')).toEqual({ ok: true, role: 'owner' });
    const fresh = ts.client().open('gone');
    await fresh.whenSynced();
    expect(fresh.doc.getXmlFragment('prosemirror').length).toBe(0);
  });
});
