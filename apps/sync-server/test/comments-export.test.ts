import { strFromU8, unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { schema, yUpdateFromDoc } from '@tandem/crdt-bridge';
import { createThread, putMessage, setThreadStatus } from '@tandem/crdt-bridge/comments';
import { startTestServer, type TestServer } from './helpers.js';
import { nameVersion } from './historyHelpers.js';
import { firstText, message, person, suggestion } from './commentRules.js';

let ts: TestServer;
afterEach(async () => ts?.stop({ wipe: true }));

const DOC = 'report';

/** "Hello world" with Carl's suggestions to insert " big" and delete "world", an open thread on "Hello" and a resolved one. */
async function reviewedDocument(): Promise<void> {
  const session = ts.client().open(DOC);
  await session.whenSynced();
  const doc = session.doc;
  Y.applyUpdate(
    doc,
    yUpdateFromDoc(schema.node('doc', null, [schema.node('paragraph', null, schema.text('Hello world'))])),
  );
  const text = firstText(doc);
  const at = (index: number, assoc = 0) =>
    Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, index, assoc));
  createThread(doc, {
    id: 'open1',
    anchor: { start: at(0), end: at(5, -1) },
    suggestion: null,
    quote: 'Hello',
    message: message('m1', 'Olga', 'Say <script>hi</script> & more?', 1_000),
  });
  putMessage(doc, 'open1', message('m2', 'Carl', 'Fine as it is', 2_000));
  createThread(doc, {
    id: 'done1',
    anchor: { start: at(6), end: at(11, -1) },
    suggestion: null,
    quote: 'world',
    message: message('m3', 'Olga', 'Settled already', 3_000),
  });
  setThreadStatus(doc, 'done1', 'resolved', person('Olga'), 4_000);
  text.insert(5, ' big', { insertion: suggestion('s1', 'Carl') });
  text.format(10, 5, { deletion: suggestion('s2', 'Carl') });
  await session.whenSaved();
}

async function exported(query: string): Promise<Response> {
  const response = await fetch(`${ts.url}/api/docs/${DOC}/export?${query}`);
  expect(response.status).toBe(200);
  return response;
}

describe('exports and suggestions', () => {
  it('Markdown leaves suggestions out unless asked, then writes CriticMarkup', async () => {
    ts = await startTestServer();
    await reviewedDocument();
    expect((await (await exported('format=markdown')).text()).trim()).toBe('Hello world');
    const included = await (await exported('format=markdown&suggestions=include')).text();
    expect(included).toContain('{++big++}');
    expect(included).toContain('{--world--}');
  });

  it('HTML shows suggestions as <ins>/<del> only when asked', async () => {
    ts = await startTestServer();
    await reviewedDocument();
    const plain = await (await exported('format=html')).text();
    expect(plain).toContain('<p>Hello world</p>');
    expect(plain).not.toMatch(/<ins|<del/);
    const included = await (await exported('format=html&suggestions=include')).text();
    expect(included).toMatch(/<ins class="suggested-insertion"[^>]*> big<\/ins>/);
    expect(included).toMatch(/<del class="suggested-deletion"[^>]*>world<\/del>/);
  });

  it('HTML adds the open threads as footnotes, escaped, when asked', async () => {
    ts = await startTestServer();
    await reviewedDocument();
    expect(await (await exported('format=html')).text()).not.toContain('Comments');
    const html = await (await exported('format=html&comments=include')).text();
    expect(html).toContain('Hello<sup class="comment-ref" id="comment-ref-1"><a href="#comment-1"');
    expect(html).toContain('<h2>Comments</h2>');
    expect(html).toContain('<li id="comment-1">');
    expect(html).toContain('<blockquote>Hello</blockquote>');
    expect(html).toContain('Say &lt;script&gt;hi&lt;/script&gt; &amp; more?');
    expect(html).toContain('<strong>Carl</strong>');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('Settled already');
    expect(html).not.toContain('comment-ref-2');
  });

  it('a version as Markdown or HTML leaves suggestions out too', async () => {
    ts = await startTestServer();
    await reviewedDocument();
    const version = await nameVersion(ts, DOC, 'reviewed');
    const markdown = await fetch(`${ts.url}/api/docs/${DOC}/versions/${version.id}?format=markdown`);
    expect((await markdown.text()).trim()).toBe('Hello world');
    const html = await (await fetch(`${ts.url}/api/docs/${DOC}/versions/${version.id}?format=html`)).text();
    expect(html).toContain('<p>Hello world</p>');
  });

  it('Word leaves suggestions out', async () => {
    ts = await startTestServer();
    await reviewedDocument();
    const docx = new Uint8Array(await (await exported('format=docx')).arrayBuffer());
    const xml = strFromU8(unzipSync(docx)['word/document.xml']!);
    expect(xml).toContain('Hello');
    expect(xml).toContain('world');
    expect(xml).not.toContain('big');
  });
});
