import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseMarkdown } from '@tandem/crdt-bridge/markdown';
import { schema, utf8Length, type DiffChange, type DiffHiddenRun, type NodeJSON } from '@tandem/crdt-bridge';
import { issueToken } from '../src/auth/tokens.js';
import { startTestServer, type TestServer } from './helpers.js';
import { body as bodyOf, call, nameVersion, person, typeAtEnd } from './historyHelpers.js';

/** 2 MiB: the largest import the server reads. */
const IMPORT_LIMIT = 2 * 1024 * 1024;

/** An import's answer: status, body, and how long it took. */
async function importMarkdown(
  ts: TestServer,
  markdown: string,
): Promise<{ status: number; body: Record<string, unknown>; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${ts.url}/api/docs/import`, { method: 'POST', body: markdown });
  const body = (await res.json()) as Record<string, unknown>;
  return { status: res.status, body, ms: performance.now() - started };
}

/** Ids of the documents the server stores. */
async function documentIds(ts: TestServer): Promise<string[]> {
  return (await ts.server.store.listPage({ limit: 200, access: { all: true } })).map((d) => d.id);
}

// The pathological 2 MiB imports (and what everyone else sees meanwhile) are in stall.test.ts.
describe('Markdown import', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer();
  });
  afterAll(async () => ts?.stop({ wipe: true }));

  it('still imports an ordinary document, with its title', async () => {
    const { status, body } = await importMarkdown(ts, '# Launch plan\n\nFirst, the **venue**.\n');
    expect(status).toBe(201);
    expect(body).toMatchObject({ title: 'Launch plan' });
    const exported = await call(ts, `/api/docs/${body.id as string}/export?format=markdown`);
    expect(exported.body).toBe('# Launch plan\n\nFirst, the **venue**.');
  });
});

describe('heavy requests', () => {
  let ts: TestServer;
  afterEach(async () => ts?.stop({ wipe: true }));

  it('refuse a viewer’s import before reading the body', async () => {
    const secret = 'test-secret-test-secret-test-secret-0123';
    ts = await startTestServer({ authSecret: secret });
    const token = await issueToken(secret, { id: 'vic', name: 'Vic', roles: { '*': 'viewer' } }, 3600);
    // The body is announced as 2 MiB but never finishes: only an answer given before reading it can arrive.
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${ts.url}/api/docs/import`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-length': String(IMPORT_LIMIT) },
      });
      req.on('response', (res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.write('*a'.repeat(512));
    });
    expect(status).toBe(403);
    expect(await documentIds(ts)).toEqual([]);
  });

  it('stop a job over WORK_TIMEOUT_MS with a clear answer, and serve the next one', async () => {
    ts = await startTestServer({ workTimeoutMs: 300 });
    const slow = await importMarkdown(ts, '*a'.repeat(400_000));
    expect(slow.status).toBe(413);
    expect(slow.body).toMatchObject({
      error: { code: 'IMPORT_TOO_LARGE', message: expect.stringContaining('longer than the 0.3 s the server allows') },
    });
    expect(await documentIds(ts)).toEqual([]);
    const next = await importMarkdown(ts, 'Still working.');
    expect(next.status).toBe(201);
  });

  it('answer 503 with Retry-After when the work queue is full', { timeout: 90_000 }, async () => {
    ts = await startTestServer({ workerThreads: 1, workQueueMax: 0 });
    const slow = importMarkdown(ts, '*a'.repeat(400_000));
    // Wait until the slow import is running, so the next job has to wait for it.
    while (ts.server.work.running === 0) await new Promise((r) => setTimeout(r, 10));
    const res = await fetch(`${ts.url}/api/docs/import`, { method: 'POST', body: 'one too many' });
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await res.json()).toMatchObject({
      error: { code: 'SERVER_BUSY', message: expect.stringMatching(/try again/) },
    });
    expect((await slow).status).toBe(413);
  });

  it('export a large document correctly without loading it into a room', async () => {
    ts = await startTestServer();
    const sections: string[] = [];
    for (let i = 0; i < 4_000; i++) {
      sections.push(
        i % 40 === 0
          ? `## Part ${i / 40}`
          : `Paragraph ${i} has **bold**, *italic*, \`code\`, a [link](https://example.com/${i}) & \\<tags>.`,
      );
    }
    const markdown = sections.join('\n\n');
    const imported = await importMarkdown(ts, markdown);
    expect(imported.status).toBe(201);
    const id = imported.body.id as string;
    const [exported, html] = await Promise.all([
      call<string>(ts, `/api/docs/${id}/export?format=markdown`),
      call<string>(ts, `/api/docs/${id}/export?format=html`),
    ]);
    expect(exported.status).toBe(200);
    expect(exported.body.length).toBeGreaterThan(300_000);
    expect(parseMarkdown(exported.body).toJSON()).toEqual(parseMarkdown(markdown).toJSON());
    expect(html.body.match(/<p>/g)).toHaveLength(4_000 - 100);
    expect(html.body).toContain('&amp; &lt;tags&gt;');
    expect(ts.server.registry.get(id)).toBeUndefined();
  });
});

/** Plain text of a JSON node. */
function textOf(node: NodeJSON): string {
  return node.text ?? (node.content ?? []).map(textOf).join('');
}

/** A diff response as the API sends it. */
interface DiffResponse {
  doc: NodeJSON;
  changes: (Omit<DiffChange, 'client'> & { author: string | null })[];
  stats: { added: number; removed: number };
  hidden: DiffHiddenRun[];
  truncated: { blocks: number; changes: number } | null;
}

/**
 * The top-level blocks of a diff's document numbered as one side numbers them (as the
 * editor's history panel does): hidden runs count on both sides, blocks added or removed
 * as a whole only on theirs.
 */
function sideIndexes(diff: DiffResponse, side: 'base' | 'target'): (number | null)[] {
  const foreign = side === 'target' ? 'removed' : 'added';
  const notInSide = new Set(diff.changes.filter((c) => c.block && c.type === foreign).map((c) => c.from));
  const hiddenBefore = new Map(diff.hidden.map((h) => [h.index, h.blocks] as const));
  const indexes: (number | null)[] = [];
  let index = 0;
  let pos = 0;
  (diff.doc.content ?? []).forEach((block, i) => {
    index += hiddenBefore.get(i) ?? 0;
    indexes.push(notInSide.has(pos) ? null : index++);
    pos += schema.nodeFromJSON(block).nodeSize;
  });
  return indexes;
}

describe('version history of a large document', () => {
  let ts: TestServer;
  afterEach(async () => ts?.stop({ wipe: true }));

  it('bounds a diff, hiding unchanged runs and numbering the blocks of both sides right', async () => {
    const maxDiffBytes = 64 * 1024;
    ts = await startTestServer({ maxDiffBytes });
    const paragraphs = Array.from({ length: 4_000 }, (_, i) => `Paragraph ${i} of the annual report, unchanged.`);
    const imported = await importMarkdown(ts, paragraphs.join('\n\n'));
    const id = imported.body.id as string;
    const v1 = await nameVersion(ts, id, 'v1');
    const ana = await person(ts, id, 'Ana');
    ana.doc.transact(() => {
      typeAtEnd(ana.doc, 1_000, ' Edited by Ana.');
      bodyOf(ana.doc).delete(3_000, 1);
    });
    await ana.session.whenSaved();
    const v2 = await nameVersion(ts, id, 'v2');

    const res = await fetch(`${ts.url}/api/docs/${id}/versions/${v2.id}/diff?against=${v1.id}`);
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(utf8Length(text)).toBeLessThanOrEqual(maxDiffBytes);
    const diff = JSON.parse(text) as DiffResponse;
    expect(diff.truncated).toBeNull();
    expect(diff.stats).toEqual({ added: ' Edited by Ana.'.length, removed: paragraphs[3_000]!.length });
    expect(diff.hidden.length).toBeGreaterThan(1);
    expect(diff.changes.map((c) => [c.type, c.text, c.author])).toEqual([
      ['added', ' Edited by Ana.', 'Ana'],
      ['removed', paragraphs[3_000], 'Ana'],
    ]);
    // Every block shown is the block of that index in each side's own content.
    expect(diff.doc.content!.length).toBeGreaterThan(2);
    for (const [side, version] of [
      ['base', v1],
      ['target', v2],
    ] as const) {
      const content = await call<{ doc: NodeJSON }>(ts, `/api/docs/${id}/versions/${version.id}`);
      const blocks = content.body.doc.content ?? [];
      sideIndexes(diff, side).forEach((index, i) => {
        // A changed block holds both sides' text; the paragraph's number is the same on both.
        const label = (node: NodeJSON): string | undefined => /^Paragraph \d+ /.exec(textOf(node))?.[0];
        if (index !== null) expect(label(diff.doc.content![i]!)).toBe(label(blocks[index]!));
      });
    }
  });

  it('refuses a copy of a version larger than one document may be, leaving nothing behind', async () => {
    ts = await startTestServer({ maxMessageBytes: 16 * 1024 });
    const imported = await importMarkdown(ts, 'A short start.');
    const id = imported.body.id as string;
    const ana = await person(ts, id, 'Ana');
    // Grown in steps, each well within what one message may carry.
    for (let i = 0; i < 8; i++) {
      typeAtEnd(ana.doc, 0, ` and then some more words, round ${i}.`.repeat(60));
      await ana.session.whenSaved();
    }
    const version = await nameVersion(ts, id, 'big');
    const before = await documentIds(ts);
    const copy = await call(ts, `/api/docs/${id}/versions/${version.id}/copy`, { method: 'POST' });
    expect(copy.status).toBe(422);
    expect(copy.body).toMatchObject({
      error: { code: 'TOO_LARGE', message: expect.stringMatching(/at most 16 KiB/) },
    });
    expect(await documentIds(ts)).toEqual(before);
  });
});
