import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, PROTOCOL_VERSION, type AckResult, type Role } from '@tandem/crdt-bridge';
import type { DocumentPageJSON, ShareLinkJSON, TrashEntryJSON, TrashListJSON } from '@tandem/crdt-bridge/api';
import { issueToken } from '../src/auth/tokens.js';
import { startTestServer, waitFor, type TestServer } from './helpers.js';
import { addParagraph, call, listVersions, nameVersion, person, textOf } from './historyHelpers.js';

const SECRET = 'trash-secret-trash-secret-trash-secret-01';
const DAY_MS = 86_400_000;
let ts: TestServer;
afterEach(async () => ts?.stop({ wipe: true }));

/** A token naming a person with `roles`. */
function tokenFor(name: string, roles: Record<string, Role>): Promise<string> {
  return issueToken(SECRET, { id: name.toLowerCase(), name, roles }, 3600);
}

/** A request as `token` (none in open mode); the status and parsed body. */
async function api<T = unknown>(
  path: string,
  token?: string,
  init: { method?: string; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${ts.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** Ids of the documents in the list (not in Trash). */
async function listed(token?: string): Promise<string[]> {
  return (await api<DocumentPageJSON>('/api/docs', token)).body.documents.map((d) => d.id);
}

/** Ids of the documents in Trash. */
async function inTrash(token?: string): Promise<string[]> {
  return (await api<TrashListJSON>('/api/trash', token)).body.documents.map((d) => d.id);
}

/** A raw join's answer. */
function join(docId: string): Promise<AckResult> {
  const socket = ts.rawSocket();
  return new Promise((resolve) => socket.emit('join', { docId, protocol: PROTOCOL_VERSION }, resolve));
}

describe('Trash', () => {
  it('deleting moves a document to Trash; restoring brings it back with its content and history', async () => {
    ts = await startTestServer();
    const ana = await person(ts, 'plans', 'Ana');
    addParagraph(ana.doc, 'first words');
    await ana.session.whenSaved();
    await nameVersion(ts, 'plans', 'Draft');
    addParagraph(ana.doc, 'second words');
    await ana.session.whenSaved();
    ana.client.destroy();

    const deleted = await api<TrashEntryJSON>('/api/docs/plans', undefined, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ id: 'plans', canRestore: true, canDeleteForever: true });
    const trashedAt = Date.parse(deleted.body.trashedAt);
    expect(Date.parse(deleted.body.deleteAt) - trashedAt).toBe(30 * DAY_MS);
    expect(await listed()).not.toContain('plans');
    expect(await inTrash()).toEqual(['plans']);
    expect((await api('/api/docs/plans')).status).toBe(404);
    expect((await api('/api/docs/plans/export')).status).toBe(404);
    expect((await api('/api/trash/plans')).body).toMatchObject({ id: 'plans' });

    const restored = await api('/api/trash/plans/restore', undefined, { method: 'POST' });
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ id: 'plans', url: '/d/plans' });
    expect(await inTrash()).toEqual([]);
    expect(await listed()).toContain('plans');
    const back = await person(ts, 'plans', 'Ana');
    expect(textOf(back.doc)).toBe('first words\nsecond words');
    expect((await listVersions(ts, 'plans')).map((v) => v.name)).toContain('Draft');
    expect((await api('/api/trash/plans/restore', undefined, { method: 'POST' })).status).toBe(404);
  });

  it('tells those who have it open, refuses joins and re-creation while it is in Trash, and lets them back after a restore', async () => {
    ts = await startTestServer();
    const ana = await person(ts, 'open', 'Ana');
    const cy = await person(ts, 'open', 'Cy');
    addParagraph(ana.doc, 'kept');
    await ana.session.whenSaved();
    await waitFor(() => ana.awareness.getStates().size === 2, 'Ana sees Cy');
    expect((await api('/api/docs/open', undefined, { method: 'DELETE' })).status).toBe(200);
    await waitFor(() => ana.session.status.error?.code === ErrorCode.DocumentInTrash, 'the editor is told');
    expect(ana.session.status.error?.message).toMatch(/Trash/);
    expect(ana.session.isDeleted).toBe(true);
    // Nobody is live in a document that is in Trash: the others' presence goes.
    expect([...ana.awareness.getStates().keys()]).toEqual([ana.doc.clientID]);
    addParagraph(ana.doc, 'not sent');
    expect(ts.server.registry.get('open')).toBeUndefined();

    expect(await join('open')).toMatchObject({ ok: false, error: { code: ErrorCode.DocumentInTrash } });
    const again = await api<{ error: { code: string } }>('/api/docs', undefined, {
      method: 'POST',
      body: { id: 'open' },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe(ErrorCode.DocumentInTrash);
    expect((await api('/api/docs/open', undefined, { method: 'DELETE' })).status).toBe(404);

    await api('/api/trash/open/restore', undefined, { method: 'POST' });
    expect(await join('open')).toMatchObject({ ok: true });
    const back = await person(ts, 'open', 'Bo');
    expect(textOf(back.doc)).toBe('kept');
    // A page that stopped picks up again once told the document is back; what it held comes with it.
    cy.session.resume();
    await waitFor(() => cy.session.status.connection === 'synced' && !cy.session.isDeleted, 'Cy is back in');
    addParagraph(cy.doc, 'after the restore');
    await cy.session.whenSaved();
    await waitFor(() => textOf(back.doc) === 'kept\nafter the restore', 'Bo sees what Cy wrote');
  });

  it('deleting for good is for what is in Trash only, and leaves a tombstone', async () => {
    ts = await startTestServer();
    await api('/api/docs', undefined, { method: 'POST', body: { id: 'gone' } });
    expect((await api('/api/trash/gone', undefined, { method: 'DELETE' })).status).toBe(404);
    expect(await listed()).toContain('gone');
    await api('/api/docs/gone', undefined, { method: 'DELETE' });
    expect((await api('/api/trash/gone', undefined, { method: 'DELETE' })).status).toBe(204);
    expect(await inTrash()).toEqual([]);
    expect((await api('/api/trash/gone/restore', undefined, { method: 'POST' })).status).toBe(404);
    expect(await join('gone')).toMatchObject({ ok: false, error: { code: ErrorCode.DocumentDeleted } });
  });

  it('the sweep deletes for good what has been in Trash longer than TRASH_DAYS, and nothing younger', async () => {
    ts = await startTestServer({ trashDays: 7 });
    for (const id of ['old', 'young', 'live']) await api('/api/docs', undefined, { method: 'POST', body: { id } });
    // Moved to Trash eight days ago: due. The other, just now: not yet.
    expect(await ts.server.store.trash.moveToTrash('old', '', Date.now() - 8 * DAY_MS)).not.toBeNull();
    await api('/api/docs/young', undefined, { method: 'DELETE' });
    const young = (await api<TrashEntryJSON>('/api/trash/young')).body;
    expect(Date.parse(young.deleteAt) - Date.parse(young.trashedAt)).toBe(7 * DAY_MS);
    expect(await ts.server.trashSweep.sweep()).toBe(1);
    expect(await inTrash()).toEqual(['young']);
    expect(await join('old')).toMatchObject({ ok: false, error: { code: ErrorCode.DocumentDeleted } });
    expect(await ts.server.trashSweep.sweep(Date.now() + 8 * DAY_MS)).toBe(1);
    expect(await inTrash()).toEqual([]);
    expect(await listed()).toEqual(['live']);
  });

  it('the sweep spares a document restored before its time', async () => {
    ts = await startTestServer({ trashDays: 1 });
    await api('/api/docs', undefined, { method: 'POST', body: { id: 'saved' } });
    await api('/api/docs/saved', undefined, { method: 'DELETE' });
    await api('/api/trash/saved/restore', undefined, { method: 'POST' });
    expect(await ts.server.trashSweep.sweep(Date.now() + 2 * DAY_MS)).toBe(0);
    expect(await listed()).toContain('saved');
  });
});

describe('Trash in token mode', () => {
  it('lists only what the token reaches; owners delete and delete for good, editors restore, viewers neither', async () => {
    ts = await startTestServer({ authSecret: SECRET });
    const admin = await tokenFor('Ada', { '*': 'owner' });
    const owner = await tokenFor('Olga', { 'team-*': 'owner' });
    const editor = await tokenFor('Eda', { 'team-*': 'editor' });
    const viewer = await tokenFor('Vic', { 'team-*': 'viewer' });
    for (const id of ['team-a', 'team-b', 'other']) await api('/api/docs', admin, { method: 'POST', body: { id } });

    expect((await api('/api/docs/team-a', editor, { method: 'DELETE' })).status).toBe(403);
    const deleted = await api<TrashEntryJSON>('/api/docs/team-a', owner, { method: 'DELETE' });
    expect(deleted.body).toMatchObject({ trashedBy: 'Olga', canRestore: true, canDeleteForever: true });
    await api('/api/docs/other', admin, { method: 'DELETE' });

    expect(await inTrash(admin)).toEqual(expect.arrayContaining(['team-a', 'other']));
    expect(await inTrash(owner)).toEqual(['team-a']);
    expect(await inTrash(editor)).toEqual(['team-a']);
    expect((await api('/api/trash/other', owner)).status).toBe(403);
    const seenByViewer = (await api<TrashListJSON>('/api/trash', viewer)).body.documents;
    expect(seenByViewer).toMatchObject([{ id: 'team-a', canRestore: false, canDeleteForever: false }]);

    expect((await api('/api/trash/team-a/restore', viewer, { method: 'POST' })).status).toBe(403);
    expect((await api('/api/trash/team-a', editor, { method: 'DELETE' })).status).toBe(403);
    expect((await api('/api/trash/team-a/restore', editor, { method: 'POST' })).status).toBe(200);
    await api('/api/docs/team-a', owner, { method: 'DELETE' });
    expect((await api('/api/trash/team-a', owner, { method: 'DELETE' })).status).toBe(204);
    expect(await inTrash(owner)).toEqual([]);
  });

  it('links survive Trash: a restored document opens for the links made before', async () => {
    ts = await startTestServer({ authSecret: SECRET });
    const owner = await tokenFor('Olga', { '*': 'owner' });
    await api('/api/docs', owner, { method: 'POST', body: { id: 'shared' } });
    const link = (
      await api<ShareLinkJSON>('/api/docs/shared/links', owner, { method: 'POST', body: { role: 'editor' } })
    ).body;
    const token = decodeURIComponent(/#token=([^&]+)/.exec(link.url)![1]!);
    await api('/api/docs/shared', owner, { method: 'DELETE' });
    expect((await api('/api/docs/shared', token)).status).toBe(404);
    await api('/api/trash/shared/restore', token, { method: 'POST' });
    expect((await api('/api/docs/shared', token)).status).toBe(200);
  });
});
