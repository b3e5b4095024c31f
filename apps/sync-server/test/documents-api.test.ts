import { strFromU8, unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { docFromY, type DocError } from '@tandem/crdt-bridge';
import type { DocumentDetailJSON, DocumentJSON, DocumentPageJSON } from '@tandem/crdt-bridge/api';
import { MAX_TITLE_LENGTH, storedTitle } from '@tandem/crdt-bridge/schema';
import { startTestServer, waitFor, type TestServer } from './helpers.js';
import { storingInPostgres } from './pg/testDatabases.js';

let ts: TestServer;
afterEach(async () => ts?.stop({ wipe: true }));

const MARKDOWN = `# Plan

Some **bold** and *italic* and <u>underlined</u> and ~~gone~~ text with \`code\` and a [link](https://example.com/).

- [ ] write
- [x] review

1. first
2. second

> wise words

\`\`\`
code block
\`\`\`

---
`;

async function api(path: string, init?: RequestInit): Promise<Response> {
  return fetch(`${ts.url}${path}`, init);
}

describe('documents over HTTP', () => {
  it('creates, lists newest first, and refuses bad ids', async () => {
    ts = await startTestServer();
    const a = await api('/api/docs', { method: 'POST', body: '{}' });
    expect(a.status).toBe(201);
    const { id } = (await a.json()) as { id: string };
    await new Promise((r) => setTimeout(r, 5));
    await api('/api/docs', { method: 'POST', body: JSON.stringify({ id: 'named-doc' }) });
    const list = (await (await api('/api/docs')).json()) as { documents: { id: string }[] };
    expect(list.documents.map((d) => d.id)).toEqual(['named-doc', id]);
    const bad = await api('/api/docs', { method: 'POST', body: JSON.stringify({ id: '../etc' }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('INVALID_DOC_ID');
    expect((await api('/api/docs', { method: 'POST', body: '{nope' })).status).toBe(400);
    expect((await api('/api/docs/%E0%A4%A/export')).status).toBe(400);
  });

  it('imports Markdown into a new document that clients then see', async () => {
    ts = await startTestServer();
    const res = await api('/api/docs/import', {
      method: 'POST',
      headers: { 'content-type': 'text/markdown' },
      body: MARKDOWN,
    });
    expect(res.status).toBe(201);
    const { id, title } = (await res.json()) as { id: string; title: string };
    expect(title).toBe('Plan');
    const session = ts.client().open(id);
    await session.whenSynced();
    const doc = docFromY(session.doc);
    expect(doc.firstChild?.type.name).toBe('heading');
    expect(doc.textContent).toContain('wise words');
    const kinds = new Set<string>();
    doc.descendants((n) => void kinds.add(n.type.name));
    for (const kind of ['task_list', 'ordered_list', 'blockquote', 'code_block', 'horizontal_rule'])
      expect(kinds).toContain(kind);
  });

  it('exports what clients wrote as Markdown and HTML', async () => {
    ts = await startTestServer();
    const imported = (await (await api('/api/docs/import', { method: 'POST', body: MARKDOWN })).json()) as {
      id: string;
    };
    const md = await api(`/api/docs/${imported.id}/export?format=markdown`);
    expect(md.status).toBe(200);
    expect(md.headers.get('content-type')).toContain('text/markdown');
    expect(md.headers.get('content-disposition')).toContain('Plan.md');
    const markdown = await md.text();
    for (const part of [
      '# Plan',
      '**bold**',
      '*italic*',
      '<u>underlined</u>',
      '~~gone~~',
      '`code`',
      '[link](https://example.com/)',
      '- [ ] write',
      '- [x] review',
      '2. second',
      '> wise words',
      '---',
    ]) {
      expect(markdown).toContain(part);
    }
    const html = await (await api(`/api/docs/${imported.id}/export?format=html`)).text();
    expect(html).toContain('<title>Plan</title>');
    expect(html).toContain('<h1>Plan</h1>');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('data-type="task-list"');
    expect((await api(`/api/docs/${imported.id}/export?format=pdf`)).status).toBe(400);
    expect((await api('/api/docs/nope/export')).status).toBe(404);
  });

  it('exports a document as a Word file built on a worker', async () => {
    ts = await startTestServer();
    const imported = (await (await api('/api/docs/import', { method: 'POST', body: MARKDOWN })).json()) as {
      id: string;
    };
    const res = await api(`/api/docs/${imported.id}/export?format=docx`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(res.headers.get('content-disposition')).toContain('Plan.docx');
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
    const xml = strFromU8(files['word/document.xml']!);
    expect(xml).toContain('<w:pStyle w:val="Heading1"/>');
    expect(xml).toContain('wise words');
    expect(xml).toContain('<w:hyperlink');
    expect((await api('/api/docs/nope/export?format=docx')).status).toBe(404);
  });

  it('renames a document live for everyone who has it open', async () => {
    ts = await startTestServer();
    const session = ts.client().open('rename-me');
    await session.whenSynced();
    const res = await api('/api/docs/rename-me', {
      method: 'PATCH',
      body: JSON.stringify({ title: 'Quarterly plan' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { title: string }).title).toBe('Quarterly plan');
    await waitFor(() => storedTitle(session.doc) === 'Quarterly plan', 'the open editor sees the new title');
  });

  it('shows one document, naming the node that runs it only when storage is shared', async () => {
    ts = await startTestServer();
    await ts.client().open('shown').whenSynced();
    const res = await api('/api/docs/shown');
    expect(res.status).toBe(200);
    const shown = (await res.json()) as DocumentDetailJSON;
    expect(shown).toMatchObject({ id: 'shown', url: '/d/shown' });
    if (storingInPostgres()) expect(shown.owner).toMatch(/\S/);
    else expect(shown).not.toHaveProperty('owner');
    expect((await api('/api/docs/never-made')).status).toBe(404);
  });

  it('lists a renamed document under its whole new title, cut only past the longest title', async () => {
    ts = await startTestServer();
    await ts.client().open('long-name').whenSynced();
    const rename = async (title: string): Promise<string> => {
      const res = await api('/api/docs/long-name', { method: 'PATCH', body: JSON.stringify({ title }) });
      expect(res.status).toBe(200);
      return ((await res.json()) as DocumentJSON).title;
    };
    const listed = async (): Promise<string | undefined> =>
      ((await (await api('/api/docs')).json()) as DocumentPageJSON).documents.find((d) => d.id === 'long-name')?.title;

    const long = 'A long, descriptive title. '.repeat(6).slice(0, 150);
    expect(await rename(long)).toBe(long);
    expect(await listed()).toBe(long);
    expect(await rename('y'.repeat(MAX_TITLE_LENGTH + 50))).toBe('y'.repeat(MAX_TITLE_LENGTH));
    expect(await listed()).toHaveLength(MAX_TITLE_LENGTH);
  });

  it('deletes a document for good (to Trash, then from it), tells those who have it open, and forgets it', async () => {
    ts = await startTestServer();
    const client = ts.client();
    const session = client.open('doomed');
    await session.whenSynced();
    session.doc.getText('t').insert(0, 'bye');
    await session.whenSaved();
    const errors: DocError[] = [];
    client.socket.on('doc-error', (e) => errors.push(e));
    expect((await api('/api/docs/doomed', { method: 'DELETE' })).status).toBe(200);
    await waitFor(() => errors.some((e) => e.code === 'DOCUMENT_IN_TRASH'), 'the editor is told');
    // A message that crossed the deletion comes back refused; the editor still says "deleted".
    client.socket.emit('awareness', 'doomed', new Uint8Array([0]));
    await waitFor(() => errors.some((e) => e.code === 'NOT_JOINED'), 'the crossing message is refused');
    expect(session.status.error?.code).toBe('DOCUMENT_IN_TRASH');
    expect((await api('/api/trash/doomed', { method: 'DELETE' })).status).toBe(204);
    const list = (await (await api('/api/docs')).json()) as { documents: { id: string }[] };
    expect(list.documents.map((d) => d.id)).not.toContain('doomed');
    expect((await api('/api/docs/doomed', { method: 'DELETE' })).status).toBe(404);
    // Opening the id again does not bring it back…
    const late = ts.client().open('doomed');
    await waitFor(() => late.status.error !== null, 'the late joiner is told');
    expect(late.status.error).toMatchObject({ code: 'DOCUMENT_DELETED', message: 'This document was deleted.' });
    expect(await ts.server.store.get('doomed')).toBeNull();
    // …creating it explicitly does, as an empty document.
    expect((await api('/api/docs', { method: 'POST', body: JSON.stringify({ id: 'doomed' }) })).status).toBe(201);
    const fresh = ts.client().open('doomed');
    await fresh.whenSynced();
    expect(fresh.doc.getText('t').toString()).toBe('');
  });
});

describe('who edited', () => {
  it('lists the people behind a document’s latest version', async () => {
    ts = await startTestServer();
    const { Awareness } = await import('y-protocols/awareness');
    const Y = await import('yjs');
    const doc = new Y.Doc();
    const awareness = new Awareness(doc);
    awareness.setLocalStateField('user', { name: 'Ana Lima', color: '#1971c2' });
    const session = ts.client().open('edited', { doc, awareness });
    await session.whenSynced();
    doc.getText('t').insert(0, 'hello');
    await session.whenSaved();
    const named = await fetch(`${ts.url}/api/docs/edited/versions`, {
      method: 'POST',
      body: JSON.stringify({ name: 'v1' }),
    });
    expect(named.status).toBe(201);
    const list = (await (await fetch(`${ts.url}/api/docs`)).json()) as {
      documents: { id: string; editors: string[] }[];
    };
    expect(list.documents.find((d) => d.id === 'edited')?.editors).toEqual(['Ana Lima']);
  });
});
