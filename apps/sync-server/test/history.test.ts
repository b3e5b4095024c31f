import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, waitFor, type TestServer } from './helpers.js';
import {
  addParagraph,
  call,
  listVersions,
  nameVersion,
  paragraphText,
  person,
  textOf,
  typeAtEnd,
  versionText,
  versionsWhen,
  type VersionJson,
} from './historyHelpers.js';

let ts: TestServer;
afterEach(async () => ts?.stop({ wipe: true }));

/** A diff as the API returns it. */
interface DiffJson {
  base: { version: VersionJson | null; current: boolean };
  target: { version: VersionJson | null; current: boolean };
  changes: { type: string; from: number; to: number; block: boolean; text: string; author: string | null }[];
  stats: { added: number; removed: number };
  colors: Record<string, string | null>;
  doc: { type: string; content?: unknown[] };
}

describe('automatic snapshots', () => {
  it('are taken once a burst of editing goes quiet, crediting everyone who edited', async () => {
    ts = await startTestServer({ historyQuietMs: 150 });
    const alice = await person(ts, 'quiet', 'Alice', '#d9480f');
    const bob = await person(ts, 'quiet', 'Bob', '#2b8a3e');
    addParagraph(alice.doc, 'from Alice');
    await alice.session.whenSaved();
    await waitFor(() => textOf(bob.doc) === 'from Alice', 'bob sees alice');
    typeAtEnd(bob.doc, 0, ', and Bob');
    await bob.session.whenSaved();
    expect(await listVersions(ts, 'quiet')).toEqual([]);
    const versions = await versionsWhen(ts, 'quiet', (list) => list.length > 0, 'an automatic snapshot');
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ kind: 'auto', name: null, authors: ['Alice', 'Bob'], pinned: false });
    expect(versions[0]!.size).toBeGreaterThan(0);
    expect(await versionText(ts, 'quiet', versions[0]!.id)).toBe('from Alice, and Bob');
    const { body } = await call<{ colors: Record<string, string> }>(ts, '/api/docs/quiet/versions');
    expect(body.colors).toEqual({ Alice: '#d9480f', Bob: '#2b8a3e' });
  });

  it('are taken at least every interval while editing goes on without a pause', async () => {
    ts = await startTestServer({ historyQuietMs: 60_000, historyMaxIntervalMs: 200 });
    const alice = await person(ts, 'busy', 'Alice');
    addParagraph(alice.doc, '');
    for (let i = 0; i < 14; i++) {
      typeAtEnd(alice.doc, 0, 'x');
      await new Promise((r) => setTimeout(r, 50));
    }
    await alice.session.whenSaved();
    // Each is stored a moment after it is taken (packed on a worker).
    const versions = await versionsWhen(ts, 'busy', (v) => v.length >= 2, 'two snapshots');
    expect(versions.length).toBeGreaterThanOrEqual(2);
    expect(versions.every((v) => v.kind === 'auto')).toBe(true);
  });

  it('are taken when the last person leaves, and not while nothing changed', async () => {
    ts = await startTestServer({ historyQuietMs: 60_000 });
    const alice = await person(ts, 'leaving', 'Alice');
    addParagraph(alice.doc, 'last words');
    await alice.session.whenSaved();
    expect(await listVersions(ts, 'leaving')).toEqual([]);
    alice.session.destroy();
    await waitFor(() => ts.server.registry.get('leaving')?.members.size === 0, 'alice left');
    const versions = await versionsWhen(ts, 'leaving', (v) => v.length > 0, 'a snapshot on leaving');
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ kind: 'auto', authors: ['Alice'] });
    // Coming back and leaving without editing adds nothing.
    const again = await person(ts, 'leaving', 'Alice');
    again.session.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect(await listVersions(ts, 'leaving')).toHaveLength(1);
  });

  it('survive a restart, as does what changed since the last one', async () => {
    ts = await startTestServer({ historyQuietMs: 60_000 });
    const alice = await person(ts, 'restart', 'Alice');
    addParagraph(alice.doc, 'before the restart');
    await alice.session.whenSaved();
    const dataDir = ts.dataDir;
    await ts.stop();
    ts = await startTestServer({}, { dataDir });
    const versions = await listVersions(ts, 'restart');
    expect(versions).toHaveLength(1);
    expect(await versionText(ts, 'restart', versions[0]!.id)).toBe('before the restart');
  });
});

describe('named versions', () => {
  it('name the current state, and read back as JSON, Markdown and HTML', async () => {
    ts = await startTestServer();
    const alice = await person(ts, 'named', 'Alice');
    addParagraph(alice.doc, 'alpha');
    await alice.session.whenSaved();
    const v1 = await nameVersion(ts, 'named', 'Draft sent to legal');
    expect(v1).toMatchObject({ kind: 'named', name: 'Draft sent to legal', authors: ['Alice'], pinned: false });
    typeAtEnd(alice.doc, 0, ' beta');
    await alice.session.whenSaved();

    const json = await call<{ version: VersionJson; text: string; title: string; doc: unknown }>(
      ts,
      `/api/docs/named/versions/${v1.id}`,
    );
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ text: 'alpha', title: 'alpha', version: { id: v1.id } });
    expect(json.body.doc).toEqual({
      type: 'doc',
      content: [{ type: 'paragraph', content: [{ type: 'text', text: 'alpha' }] }],
    });
    const markdown = await call<string>(ts, `/api/docs/named/versions/${v1.id}?format=markdown`);
    expect(markdown.body.trim()).toBe('alpha');
    const html = await call<string>(ts, `/api/docs/named/versions/${v1.id}?format=html`);
    expect(html.body).toContain('<p>alpha</p>');
  });

  it('can be given to an automatic snapshot, which retention then keeps', async () => {
    ts = await startTestServer({ historyQuietMs: 60_000 });
    const alice = await person(ts, 'rename', 'Alice');
    addParagraph(alice.doc, 'text');
    await alice.session.whenSaved();
    alice.session.destroy();
    await waitFor(() => ts.server.registry.get('rename')?.members.size === 0, 'alice left');
    // The snapshot on leaving is stored a moment after the room empties.
    const [auto] = await versionsWhen(ts, 'rename', (v) => v.length > 0, 'a snapshot on leaving');
    const named = await call<VersionJson>(ts, `/api/docs/rename/versions/${auto!.id}`, {
      method: 'PATCH',
      body: { name: 'Keep me' },
    });
    expect(named.body).toMatchObject({ id: auto!.id, kind: 'named', name: 'Keep me' });
    const unnamed = await call<VersionJson>(ts, `/api/docs/rename/versions/${auto!.id}`, {
      method: 'PATCH',
      body: { name: null },
    });
    expect(unnamed.body).toMatchObject({ kind: 'auto', name: null });
  });
});

describe('diffs between versions', () => {
  it('compare any two versions, or a version with the live document, with authors', async () => {
    ts = await startTestServer();
    const alice = await person(ts, 'diffs', 'Alice', '#d9480f');
    const bob = await person(ts, 'diffs', 'Bob', '#2b8a3e');
    addParagraph(alice.doc, 'alpha');
    await alice.session.whenSaved();
    const v1 = await nameVersion(ts, 'diffs', 'v1');
    await waitFor(() => textOf(bob.doc) === 'alpha', 'bob synced');
    typeAtEnd(bob.doc, 0, ' beta');
    await bob.session.whenSaved();
    const v2 = await nameVersion(ts, 'diffs', 'v2');
    await waitFor(() => textOf(alice.doc) === 'alpha beta', 'alice synced');
    paragraphText(alice.doc, 0).delete(0, 6);
    addParagraph(alice.doc, 'gamma');
    await alice.session.whenSaved();
    const v3 = await nameVersion(ts, 'diffs', 'v3');

    // v1 → v3 spans Bob's and Alice's changes: additions are credited by who wrote them,
    // deletions (Yjs does not record who deletes) only when one person edited in between.
    const wide = await call<DiffJson>(ts, `/api/docs/diffs/versions/${v1.id}/diff?against=${v3.id}`);
    expect(wide.status).toBe(200);
    expect(wide.body.base.version?.id).toBe(v1.id);
    expect(wide.body.target.version?.id).toBe(v3.id);
    // (Bob's space, typed and deleted between v1 and v3, is in neither.)
    expect(wide.body.changes.map((c) => [c.type, c.text, c.author])).toEqual([
      ['removed', 'alpha', null],
      ['added', 'beta', 'Bob'],
      ['added', 'gamma', 'Alice'],
    ]);
    expect(wide.body.colors).toEqual({ Bob: '#2b8a3e', Alice: '#d9480f' });

    // The order of the two ids does not matter: a diff reads from the older to the newer.
    const reversed = await call<DiffJson>(ts, `/api/docs/diffs/versions/${v3.id}/diff?against=${v1.id}`);
    expect(reversed.body.changes).toEqual(wide.body.changes);

    // Against the previous version (the default), a single editor is credited with the deletion too.
    const previous = await call<DiffJson>(ts, `/api/docs/diffs/versions/${v3.id}/diff`);
    expect(previous.body.base.version?.id).toBe(v2.id);
    expect(previous.body.changes.map((c) => [c.type, c.text, c.author])).toEqual([
      ['removed', 'alpha ', 'Alice'],
      ['added', 'gamma', 'Alice'],
    ]);

    // The first version, against the previous one, is all new.
    const first = await call<DiffJson>(ts, `/api/docs/diffs/versions/${v1.id}/diff?against=previous`);
    expect(first.body.base).toEqual({ version: null, current: false });
    expect(first.body.changes.map((c) => [c.type, c.text])).toEqual([['added', 'alpha']]);

    // Against the live document, including changes not snapshotted yet.
    typeAtEnd(bob.doc, 1, '!');
    await bob.session.whenSaved();
    const live = await call<DiffJson>(ts, `/api/docs/diffs/versions/${v3.id}/diff?against=current`);
    expect(live.body.target).toEqual({ version: null, current: true });
    expect(live.body.changes.map((c) => [c.type, c.text, c.author])).toEqual([['added', '!', 'Bob']]);
  });
});

describe('copying a version', () => {
  it('makes a new document holding the version’s content, with its own history', async () => {
    ts = await startTestServer();
    const alice = await person(ts, 'original', 'Alice');
    addParagraph(alice.doc, 'Report');
    addParagraph(alice.doc, 'first draft');
    await alice.session.whenSaved();
    const v1 = await nameVersion(ts, 'original', 'v1');
    typeAtEnd(alice.doc, 1, ', revised');
    await alice.session.whenSaved();
    const copy = await call<{ id: string; title: string; url: string }>(
      ts,
      `/api/docs/original/versions/${v1.id}/copy`,
      { method: 'POST' },
    );
    expect(copy.status).toBe(201);
    expect(copy.body.id).not.toBe('original');
    expect(copy.body.title).toBe('Copy of Report');
    const reader = await person(ts, copy.body.id, 'Reader');
    expect(textOf(reader.doc)).toBe('Report\nfirst draft');
    expect(await listVersions(ts, copy.body.id)).toEqual([]);
  });
});

describe('bad requests', () => {
  it('get clear JSON errors and change nothing', async () => {
    ts = await startTestServer();
    const alice = await person(ts, 'strict', 'Alice');
    addParagraph(alice.doc, 'one');
    await alice.session.whenSaved();
    const v1 = await nameVersion(ts, 'strict', 'v1');
    const cases: [string, { method?: string; body?: unknown; raw?: string }, number, string][] = [
      ['/api/docs/strict/versions/999', {}, 404, 'VERSION_NOT_FOUND'],
      ['/api/docs/strict/versions/abc', {}, 400, 'INVALID_VERSION_ID'],
      ['/api/docs/strict/versions/0', {}, 400, 'INVALID_VERSION_ID'],
      ['/api/docs/no-such-doc/versions', {}, 404, 'NOT_FOUND'],
      ['/api/docs/bad$id/versions', {}, 400, 'INVALID_DOC_ID'],
      ['/api/docs/strict/versions', { method: 'POST', raw: '{nope' }, 400, 'INVALID_JSON'],
      ['/api/docs/strict/versions', { method: 'POST', body: [] }, 400, 'INVALID_BODY'],
      ['/api/docs/strict/versions', { method: 'POST', body: { name: '   ' } }, 400, 'INVALID_NAME'],
      ['/api/docs/strict/versions', { method: 'POST', body: { name: 'x'.repeat(201) } }, 400, 'INVALID_NAME'],
      ['/api/docs/strict/versions', { method: 'POST', body: { name: 42 } }, 400, 'INVALID_NAME'],
      [`/api/docs/strict/versions/${v1.id}?format=pdf`, {}, 400, 'INVALID_FORMAT'],
      [`/api/docs/strict/versions/${v1.id}/diff?against=yesterday`, {}, 400, 'INVALID_AGAINST'],
      [`/api/docs/strict/versions/${v1.id}/diff?against=999`, {}, 404, 'VERSION_NOT_FOUND'],
      ['/api/docs/strict/versions/999/diff', {}, 404, 'VERSION_NOT_FOUND'],
      ['/api/docs/strict/versions/999/restore', { method: 'POST' }, 404, 'VERSION_NOT_FOUND'],
      [`/api/docs/strict/versions/${v1.id}/restore`, { method: 'POST', body: { block: 5 } }, 400, 'INVALID_BLOCK'],
      [`/api/docs/strict/versions/${v1.id}/restore`, { method: 'POST', body: { block: 'x' } }, 400, 'INVALID_BLOCK'],
      [`/api/docs/strict/versions/${v1.id}/restore`, { method: 'POST', raw: '[' }, 400, 'INVALID_JSON'],
      ['/api/docs/strict/versions/999/copy', { method: 'POST' }, 404, 'VERSION_NOT_FOUND'],
      [`/api/docs/strict/versions/${v1.id}`, { method: 'PATCH', body: { name: '' } }, 400, 'INVALID_NAME'],
      [`/api/docs/strict/versions/${v1.id}/restore`, {}, 405, 'METHOD_NOT_ALLOWED'],
    ];
    for (const [path, init, status, code] of cases) {
      const res = await call<{ error?: { code: string; message: string } }>(ts, path, init);
      expect([path, res.status, res.body.error?.code]).toEqual([path, status, code]);
      expect(res.body.error?.message).toBeTruthy();
    }
    // Nothing was restored or created by any of that.
    expect(await listVersions(ts, 'strict')).toEqual([v1]);
    expect(textOf(alice.doc)).toBe('one');
  });
});
