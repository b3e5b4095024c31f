import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportDocumentResponse } from '@tandem/crdt-bridge';
import { startTestServer, type TestServer } from './helpers.js';
import { call } from './historyHelpers.js';
import { PNG_3x2 } from './imageFixtures.js';

/** A file with something of every kind the import keeps in another form. */
const MIXED = [
  '# Trip notes',
  '',
  'We leave at dawn[^1] and take the <abbr>SUV</abbr>[^2].',
  '',
  '#### Packing',
  '',
  '```Python',
  'print("ready")',
  '```',
  '',
  '<details>',
  'Spare keys',
  '</details>',
  '',
  '1. [x] Book the hut',
  '',
  '[^1]: About 5 am.',
  '[^2]: Borrowed from Sam.',
  '',
].join('\n');

/** Imports `markdown` as JSON, as the editor does. */
async function importJson(ts: TestServer, markdown: string): Promise<{ status: number; body: ImportDocumentResponse }> {
  const res = await fetch(`${ts.url}/api/docs/import`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ markdown }),
  });
  return { status: res.status, body: (await res.json()) as ImportDocumentResponse };
}

describe('POST /api/docs/import reports what it kept in another form', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer();
  });
  afterAll(async () => ts?.stop({ wipe: true }));

  it('counts each kind, parsed on a worker, and says it in a sentence', async () => {
    const { status, body } = await importJson(ts, MIXED);
    expect(status).toBe(201);
    expect(body.title).toBe('Trip notes');
    expect(body.kept).toEqual({ footnotes: 2, htmlKeptAsText: 3, headingsDemoted: 1, tasksKeptAsText: 1 });
    expect(body.message).toBe(
      'Imported. 2 footnotes were kept as text at the end; 3 pieces of HTML were kept as text; ' +
        '1 small heading became a level 3 heading; 1 checkbox was kept as text ("[ ]" or "[x]").',
    );
    // What it kept is in the stored document, and the code keeps its language.
    const exported = await call(ts, `/api/docs/${body.id}/export?format=markdown`);
    expect(exported.body).toContain('We leave at dawn\\[1\\] and take the \\<abbr>SUV\\</abbr>\\[2\\].');
    expect(exported.body).toContain('```python\nprint("ready")\n```');
    expect(exported.body).toContain('```html\n<details>\nSpare keys\n</details>\n```');
    expect(exported.body).toContain('### Footnotes\n\n1. About 5 am.\n2. Borrowed from Sam.');
  });

  it('keeps everything of a team handbook: tables, both kinds of image, tasks, nested lists, code language, footnotes', async () => {
    const png = Buffer.from(PNG_3x2).toString('base64');
    const markdown = [
      '# Handbook',
      '',
      '| Role | Person |',
      '| :--- | -----: |',
      '| Lead | **Ana** |',
      '| Ops | Bo |',
      '',
      `![Org chart](data:image/png;base64,${png})`,
      '',
      '![Logo](https://example.com/logo.png)',
      '',
      '- [x] Laptop',
      '- [ ] Badge',
      '',
      '1. Week one',
      '   - Meet the team',
      '     - Coffee[^1]',
      '2. Week two',
      '',
      '```ts',
      'const ready = true;',
      '```',
      '',
      '[^1]: On the house.',
      '',
    ].join('\n');
    const { status, body } = await importJson(ts, markdown);
    expect(status).toBe(201);
    expect(body.kept).toEqual({ footnotes: 1, remoteImagesKeptAsLinks: 1 });
    expect(body.message).toContain('1 image from another site was kept as a link');
    const md = (await call<string>(ts, `/api/docs/${body.id}/export?format=markdown`)).body;
    expect(md).toMatch(
      /\| Role +\| Person +\|\n\| *:?-+ *\| *-+:? *\|\n\| Lead +\| \*\*Ana\*\* +\|\n\| Ops +\| Bo +\|/,
    );
    // The embedded image was stored with the document, and the remote one is a link, never fetched.
    const stored = /!\[Org chart\]\(<\/api\/docs\/[^/]+\/images\/([0-9a-f]{64})>\)/.exec(md);
    expect(stored).not.toBeNull();
    const image = await fetch(`${ts.url}/api/docs/${body.id}/images/${stored![1]}`);
    expect(image.status).toBe(200);
    expect(Buffer.from(await image.arrayBuffer()).equals(Buffer.from(PNG_3x2))).toBe(true);
    expect(md).toContain('[Logo](https://example.com/logo.png)');
    expect(md).toMatch(/- \[x\] Laptop\n+- \[ \] Badge/);
    expect(md).toMatch(/1\. Week one\n+ {3}- Meet the team\n+ {5}- Coffee\\\[1\\\]\n+2\. Week two/);
    expect(md).toContain('```ts\nconst ready = true;\n```');
    expect(md).toContain('### Footnotes\n\n1. On the house.');
  });

  it('answers an empty report and a plain "Imported." for a file that came in as it was; a text body too', async () => {
    const res = await fetch(`${ts.url}/api/docs/import`, { method: 'POST', body: '# Plain\n\n- [ ] one task\n' });
    const body = (await res.json()) as ImportDocumentResponse;
    expect(res.status).toBe(201);
    expect(body.kept).toEqual({});
    expect(body.message).toBe('Imported.');
  });
});
