import { afterEach, describe, expect, it } from 'vitest';
import type { DocumentPageJSON, DocumentSearchHitJSON } from '@tandem/crdt-bridge/api';
import { issueToken } from '../src/auth/tokens.js';
import { PgStore } from '../src/storage/postgres/PgStore.js';
import { startTestServer, sqliteOf, type TestServer } from './helpers.js';
import { addParagraph, body, person, typeAtEnd } from './historyHelpers.js';
import { storingInPostgres } from './pg/testDatabases.js';

const SECRET = 'search-secret-search-secret-search-0123';
let ts: TestServer;
afterEach(async () => ts?.stop({ wipe: true }));

/** Twenty filler words, so a match in the middle of a paragraph is far from both its ends. */
const FILLER =
  'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango';

async function search(q: string, tok?: string): Promise<{ status: number; body: DocumentPageJSON }> {
  const res = await fetch(`${ts.url}/api/docs?${new URLSearchParams({ q })}`, {
    headers: tok ? { authorization: `Bearer ${tok}` } : {},
  });
  return { status: res.status, body: (await res.json()) as DocumentPageJSON };
}

/** The hits of a search, in order (the search must succeed). */
async function hits(q: string, tok?: string): Promise<DocumentSearchHitJSON[]> {
  const { status, body } = await search(q, tok);
  expect(status, JSON.stringify(body)).toBe(200);
  return body.documents as DocumentSearchHitJSON[];
}

/** Imports Markdown as a new document; returns its id. */
async function importDoc(markdown: string, title = '', tok?: string): Promise<string> {
  const res = await fetch(`${ts.url}/api/docs/import`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(tok ? { authorization: `Bearer ${tok}` } : {}) },
    body: JSON.stringify({ markdown, title }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** The highlighted parts of a hit's snippet, as text. */
function highlighted(hit: DocumentSearchHitJSON): string[] {
  return hit.snippet.highlights.map(({ start, end }) => hit.snippet.text.slice(start, end));
}

/** Polls `check` until it holds (the index follows edits a few seconds after they pause). */
async function eventually(check: () => Promise<boolean>, message: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Forgets every indexed text, as a database from before the index would be. */
async function forgetIndex(): Promise<void> {
  if (storingInPostgres()) await (ts.server.store as PgStore).pool.query('DELETE FROM doc_search');
  else sqliteOf(ts.server).db.exec('DELETE FROM search_docs');
}

describe('full-text search', () => {
  it('finds a word from the middle of a document with a snippet around it, the word highlighted', async () => {
    ts = await startTestServer();
    const id = await importDoc(`# Field notes\n\n${FILLER} quixotic ${FILLER}\n\nAnother paragraph.`);
    await importDoc('# Unrelated\n\nNothing to see here.');
    const [hit, ...others] = await hits('quixotic');
    expect(others).toEqual([]);
    expect(hit).toMatchObject({ id, title: 'Field notes', url: `/d/${id}` });
    expect(highlighted(hit!)).toEqual(['quixotic']);
    // Around the match, not the whole text nor its start.
    expect(hit!.snippet.text).toMatch(/tango quixotic alpha/);
    expect(hit!.snippet.text.length).toBeLessThan(FILLER.length * 2);
    expect(hit!.snippet.text).not.toContain('Another paragraph');
    // Every word must be there; the last may be the start of one (results while typing).
    expect((await hits('quixotic hotel')).map((d) => d.id)).toEqual([id]);
    expect((await hits('hotel quixo')).map((d) => d.id)).toEqual([id]);
    expect(await hits('quixotic zebra')).toEqual([]);
  });

  it('ranks a match in the title above one in the text, and still finds parts of titles', async () => {
    ts = await startTestServer();
    const inText = await importDoc(`# Meeting\n\nWe talked about the orchard and ${FILLER}.`);
    const inTitle = await importDoc(FILLER, 'Orchard plan');
    // The text match is the more recent document: rank, not recency, puts the title first.
    const newer = await importDoc(`# Later\n\nThe orchard again, ${FILLER}.`);
    const found = await hits('orchard');
    expect(found[0]!.id).toBe(inTitle);
    expect(found.map((d) => d.id).sort()).toEqual([inText, inTitle, newer].sort());
    // A title hit's snippet is the opening of its text, with nothing highlighted.
    expect(found[0]!.snippet.text).toMatch(/^alpha bravo/);
    expect(found[0]!.snippet.highlights).toEqual([]);
    // The title search as before: any part of a title, "Untitled" for a document without one.
    expect((await hits('rchar')).map((d) => d.id)).toEqual([inTitle]);
  });

  it('follows edits made through a socket within seconds, and forgets deleted documents', async () => {
    ts = await startTestServer();
    const ana = await person(ts, 'live-doc', 'Ana');
    addParagraph(ana.doc, 'A shopping list');
    addParagraph(ana.doc, `${FILLER} marmalade ${FILLER}`);
    await eventually(async () => (await hits('marmalade')).length === 1, 'the typed word is found');
    const [hit] = await hits('marmalade');
    expect(hit).toMatchObject({ id: 'live-doc', title: 'A shopping list' });
    expect(highlighted(hit!)).toEqual(['marmalade']);
    // Taking the word out takes the document out of its results.
    body(ana.doc).delete(1, 1);
    addParagraph(ana.doc, 'porridge instead');
    await eventually(async () => (await hits('porridge')).length === 1, 'the new word is found');
    expect(await hits('marmalade')).toEqual([]);

    const deleted = await fetch(`${ts.url}/api/docs/live-doc`, { method: 'DELETE' });
    expect(deleted.status).toBe(200); // moved to Trash, which search leaves out
    expect(await hits('porridge')).toEqual([]);
    expect(await hits('shopping')).toEqual([]);
  });

  it('writes the index once for a burst of typing, not at every keystroke', async () => {
    ts = await startTestServer();
    const ana = await person(ts, 'burst-doc', 'Ana');
    addParagraph(ana.doc, 'Band notes');
    addParagraph(ana.doc, '');
    const typed = 'the saxophone quartet';
    for (const char of typed) {
      typeAtEnd(ana.doc, 1, char);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await eventually(async () => (await hits('saxophone quartet')).length === 1, 'the typed words are found');
    const metrics = await (await fetch(`${ts.url}/metrics`)).text();
    const written = Number(/^tandem_search_texts_written_total (\d+)/m.exec(metrics)?.[1]);
    expect(written).toBeGreaterThanOrEqual(1);
    expect(written).toBeLessThanOrEqual(2);
  });

  it('takes any text as words: quotes, operators and symbols never make an error', async () => {
    ts = await startTestServer();
    const id = await importDoc(`# Syntax\n\nfish AND chips, "quoted" words, C++ and e-mail NEAR the end: x*y`);
    const hostile = [
      '"',
      '""',
      '"fish',
      'fish"',
      '*',
      'fish*',
      '-fish',
      'fish -chips',
      'NEAR(fish chips)',
      'fish NEAR chips',
      'AND',
      'fish OR',
      'NOT fish',
      '(fish',
      'fish)',
      '^fish',
      'title:fish',
      '{title}: fish',
      "fish'",
      "'",
      '\\',
      'fish\\',
      '&|!:*',
      'fish & chips',
      'fish | chips',
      '!fish',
      '<->',
      'C++',
      '%',
      '_',
      '\u0002',
      'fish\u0000',
      '\u0000',
      '日本語',
    ];
    for (const q of hostile) {
      const { status } = await search(q);
      expect(status, q).toBe(200);
    }
    // Quoted words are the words themselves.
    expect((await hits('"fish"')).map((d) => d.id)).toEqual([id]);
    expect((await hits('NEAR fish')).map((d) => d.id)).toEqual([id]);
    expect((await hits('e-mail')).map((d) => d.id)).toEqual([id]);
    expect((await search('x'.repeat(201))).status).toBe(400);
  });

  it('finds only documents the token may see, and pages through the rest', async () => {
    ts = await startTestServer({ authSecret: SECRET });
    const owner = await issueToken(SECRET, { id: 'own', name: 'Own', roles: { '*': 'owner' } }, 3600);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await importDoc(`# Note ${i}\n\nabout the lighthouse ${i}`, '', owner));
    const one = await issueToken(SECRET, { id: 'vic', name: 'Vic', roles: { [ids[2]!]: 'viewer' } }, 3600);
    expect((await hits('lighthouse', one)).map((d) => d.id)).toEqual([ids[2]]);
    const none = await issueToken(SECRET, { id: 'nil', name: 'Nil', roles: { 'nothing-here': 'owner' } }, 3600);
    expect(await hits('lighthouse', none)).toEqual([]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ q: 'lighthouse', limit: '2', ...(cursor ? { cursor } : {}) });
      const res = await fetch(`${ts.url}/api/docs?${query}`, { headers: { authorization: `Bearer ${owner}` } });
      const page = (await res.json()) as DocumentPageJSON;
      seen.push(...page.documents.map((d) => d.id));
      cursor = page.next;
    } while (cursor !== null && seen.length < 20);
    expect(seen.sort()).toEqual([...ids].sort());
    const bad = await fetch(`${ts.url}/api/docs?q=lighthouse&cursor=bm9wZQ`, {
      headers: { authorization: `Bearer ${owner}` },
    });
    expect(bad.status).toBe(400);
  });

  it('indexes documents stored before the index existed, in the background after a start', async () => {
    ts = await startTestServer();
    const id = await importDoc(`# Old\n\n${FILLER} heirloom ${FILLER}`);
    await forgetIndex();
    expect(await hits('heirloom')).toEqual([]);
    // Still found by title meanwhile.
    expect((await hits('Old')).map((d) => d.id)).toEqual([id]);
    const { dataDir } = ts;
    await ts.stop();
    ts = await startTestServer({}, { dataDir });
    await eventually(async () => (await hits('heirloom')).length === 1, 'the old document is indexed');
    expect(highlighted((await hits('heirloom'))[0]!)).toEqual(['heirloom']);
  });

  it('indexes a document never indexed when it is opened', async () => {
    ts = await startTestServer();
    const ana = await person(ts, 'opened-doc', 'Ana');
    addParagraph(ana.doc, 'Puddings');
    addParagraph(ana.doc, 'gooseberry fool');
    await eventually(async () => (await hits('gooseberry')).length === 1, 'the typed word is found');
    ana.client.destroy();
    await forgetIndex();
    // Opened again (its room may still be loaded: the index is checked when it loads, so unload it first).
    await ts.server.registry.closeAll();
    await person(ts, 'opened-doc', 'Ben');
    await eventually(async () => (await hits('gooseberry')).length === 1, 'found again after opening');
  });
});
