import { afterEach, describe, expect, it } from 'vitest';
import type { Role } from '@tandem/crdt-bridge';
import { issueToken } from '../src/auth/tokens.js';
import { startTestServer, type TestServer } from './helpers.js';
import { addParagraph, person } from './historyHelpers.js';

const SECRET = 'list-secret-list-secret-list-secret-0123';
let ts: TestServer;
afterEach(async () => ts?.stop({ wipe: true }));

interface ListJson {
  documents: { id: string; title: string; updatedAt: string; editors: string[] }[];
  next: string | null;
}

async function list(query = '', tok?: string): Promise<{ status: number; body: ListJson }> {
  const res = await fetch(`${ts.url}/api/docs${query}`, {
    headers: tok ? { authorization: `Bearer ${tok}` } : {},
  });
  return { status: res.status, body: (await res.json()) as ListJson };
}

/** Every page of the list, following `next`, with `limit` per page. */
async function allPages(params: Record<string, string>, tok?: string): Promise<ListJson['documents'][]> {
  const pages: ListJson['documents'][] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ ...params, ...(cursor ? { cursor } : {}) });
    const { status, body } = await list(`?${query}`, tok);
    expect(status).toBe(200);
    pages.push(body.documents);
    cursor = body.next;
  } while (cursor !== null && pages.length < 1_000);
  return pages;
}

/** Creates documents straight in the store: `doc-000`… with update times that also tie. */
async function seed(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `doc-${String(i).padStart(3, '0')}`;
    // Pairs share a time, so the order must break ties (by id) for pages to neither skip nor repeat.
    await ts.server.store.ensure(id, 1_000_000 + Math.floor(i / 2));
    ids.push(id);
  }
  return ids;
}

describe('the document list', () => {
  it('comes in pages, newest first, that together hold every document exactly once', async () => {
    ts = await startTestServer();
    const ids = await seed(45);
    const pages = await allPages({ limit: '10' });
    expect(pages.map((p) => p.length)).toEqual([10, 10, 10, 10, 5]);
    const newestFirst = [...ids].sort((a, b) => {
      const ta = Math.floor(Number(a.slice(4)) / 2);
      const tb = Math.floor(Number(b.slice(4)) / 2);
      return tb - ta || a.localeCompare(b);
    });
    expect(pages.flat().map((d) => d.id)).toEqual(newestFirst);
  });

  it('gives 50 by default and at most 200 a page, and refuses a bad limit or cursor in words', async () => {
    ts = await startTestServer();
    await seed(230);
    const first = await list();
    expect(first.body.documents).toHaveLength(50);
    expect(first.body.next).toEqual(expect.any(String));
    expect((await list('?limit=100000')).body.documents).toHaveLength(200);
    for (const bad of ['0', '-1', 'ten', '1.5']) {
      const { status, body } = await list(`?limit=${bad}`);
      expect(status).toBe(400);
      expect(body).toMatchObject({
        error: { code: 'INVALID_LIMIT', message: 'limit must be a whole number from 1 to 200.' },
      });
    }
    for (const bad of [
      'garbage',
      Buffer.from('[1,"../x"]').toString('base64url'),
      Buffer.from('{}').toString('base64url'),
    ]) {
      const { status, body } = await list(`?cursor=${bad}`);
      expect(status).toBe(400);
      expect(body).toMatchObject({
        error: { code: 'INVALID_CURSOR', message: expect.stringMatching(/load the list again/) },
      });
    }
  });

  it('searches titles on the server, ignoring case beyond ASCII, across pages', async () => {
    ts = await startTestServer();
    await seed(30);
    for (const [id, title] of [
      ['doc-003', 'Äpfel und Birnen'],
      ['doc-017', 'Budget ÄPFEL'],
      ['doc-025', '100% done_'],
    ] as const) {
      await ts.server.store.setTitle(id, title);
    }
    const apples = (await allPages({ q: 'äpfel', limit: '1' })).flat();
    expect(apples.map((d) => d.id)).toEqual(['doc-017', 'doc-003']);
    // LIKE's wildcards are plain characters here.
    expect((await list('?q=%25')).body.documents.map((d) => d.id)).toEqual(['doc-025']);
    expect((await list('?q=e_')).body.documents.map((d) => d.id)).toEqual(['doc-025']);
    // Documents without a title read "Untitled", in the search as in the list.
    expect((await list('?q=untitled&limit=200')).body.documents).toHaveLength(27);
    const tooLong = await list(`?q=${'x'.repeat(201)}`);
    expect(tooLong.status).toBe(400);
  });

  it('holds only the documents the token grants, with exact ids and prefixes ("_" is no wildcard)', async () => {
    ts = await startTestServer({ authSecret: SECRET });
    for (const id of ['team_a-1', 'team_a-2', 'teamXa-3', 'plan', 'other', 'team_b-1']) {
      await ts.server.store.ensure(id, Date.now());
    }
    const roles: Record<string, Role> = { 'team_a-*': 'viewer', plan: 'editor' };
    const tok = await issueToken(SECRET, { id: 'vic', name: 'Vic', roles }, 3600);
    const pages = await allPages({ limit: '1' }, tok);
    expect(
      pages
        .flat()
        .map((d) => d.id)
        .sort(),
    ).toEqual(['plan', 'team_a-1', 'team_a-2']);
    const none = await issueToken(SECRET, { id: 'nil', name: 'Nil', roles: { 'nothing-here': 'owner' } }, 3600);
    expect((await list('', none)).body).toEqual({ documents: [], next: null });
  });

  it('shows who edited each document of a later page', async () => {
    ts = await startTestServer();
    const ana = await person(ts, 'by-ana', 'Ana');
    addParagraph(ana.doc, 'hello');
    await ana.session.whenSaved();
    expect((await fetch(`${ts.url}/api/docs/by-ana/versions`, { method: 'POST', body: '{"name":"v1"}' })).status).toBe(
      201,
    );
    // Newer documents push it onto the second page.
    for (let i = 0; i < 3; i++) await ts.server.store.ensure(`newer-${i}`, Date.now() + 1_000 + i);
    const pages = await allPages({ limit: '3' });
    expect(pages[1]).toEqual([expect.objectContaining({ id: 'by-ana', editors: ['Ana'] })]);
  });
});
