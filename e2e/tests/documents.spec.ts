import type { APIRequestContext, Locator } from '@playwright/test';
import { expect, OFFLINE, SERVER_UNREACHABLE, test, type DocPage } from '../fixtures/index.js';

/** A document as the HTTP API returns it. */
interface DocJson {
  id: string;
  title: string;
}

/** Creates a document from Markdown through the HTTP API. */
async function importDoc(request: APIRequestContext, url: string, markdown: string, title: string): Promise<DocJson> {
  const response = await request.post(`${url}/api/docs/import`, { data: { markdown, title } });
  expect(response.status()).toBe(201);
  return (await response.json()) as DocJson;
}

/** How many updates the browser's own copy of the document (y-indexeddb) holds. */
function localUpdates(user: DocPage, docId: string): Promise<number> {
  return user.page.evaluate(
    (name) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const count = open.result.transaction('updates').objectStore('updates').count();
          count.onsuccess = () => {
            resolve(count.result);
            open.result.close();
          };
          count.onerror = () => reject(count.error);
        };
      }),
    `tandem:${docId}`,
  );
}

/** The home page's entry for one document. */
function listItem(user: DocPage, id: string): Locator {
  return user.page.getByTestId('doc-list').locator(`[data-testid="doc-item"][data-doc-id="${id}"]`);
}

test('a new document is renamed in its title field, and the other person’s field and tab follow', async ({
  alice,
  bob,
}) => {
  await alice.page.goto('/');
  await alice.page.getByTestId('new-doc').click();
  await expect(alice.page).toHaveURL(/\/d\/[A-Za-z0-9_-]+$/);
  await alice.waitLoaded();
  const id = new URL(alice.page.url()).pathname.split('/').at(-1)!;
  await bob.open(id);
  await expect(bob.title).toHaveValue('');
  await expect(bob.page).toHaveTitle('Untitled — Tandem');

  await alice.title.fill('Quarterly plan');
  await expect(bob.title).toHaveValue('Quarterly plan');
  await expect(bob.page).toHaveTitle('Quarterly plan — Tandem');
  await expect(alice.page).toHaveTitle('Quarterly plan — Tandem');

  // Enter in the title field moves on to the text.
  await alice.title.press('Enter');
  await expect(alice.editor).toBeFocused();
  await alice.page.keyboard.type('First line');
  await bob.expectText('First line');
  await alice.waitSaved();

  // The list shows the new title.
  await alice.page.goto('/');
  await expect(listItem(alice, id).locator('.doc-item-title')).toHaveText('Quarterly plan');
});

test('renaming from the list changes the title live for someone who has the document open', async ({
  alice,
  bob,
  docId,
}) => {
  await bob.open(docId);
  await bob.typeText('Draft text');
  await bob.waitSaved();

  await alice.page.goto('/');
  const item = listItem(alice, docId);
  await expect(item).toContainText('Draft text');
  await item.getByTestId('rename').click();
  const input = item.getByTestId('rename-input');
  await expect(input).toBeFocused();
  await input.fill(`Renamed ${docId}`);
  await input.press('Enter');
  await expect(item.locator('.doc-item-title')).toHaveText(`Renamed ${docId}`);

  await expect(bob.title).toHaveValue(`Renamed ${docId}`);
  await expect(bob.page).toHaveTitle(`Renamed ${docId} — Tandem`);
  // And it was stored: a fresh list shows it.
  await alice.page.reload();
  await expect(listItem(alice, docId).locator('.doc-item-title')).toHaveText(`Renamed ${docId}`);
});

test('the search field finds documents by title', async ({ alice, request, server, docId }) => {
  const tag = docId.slice(-8);
  const pie = await importDoc(request, server.url, 'Pie recipe', `Apple pie ${tag}`);
  const crumble = await importDoc(request, server.url, 'Crumble recipe', `Apple crumble ${tag}`);
  const soup = await importDoc(request, server.url, 'Soup recipe', `Pumpkin soup ${tag}`);

  await alice.page.goto('/');
  const search = alice.page.getByTestId('search');
  const items = alice.page.getByTestId('doc-list').getByTestId('doc-item');
  await search.fill(`APPLE`);
  await expect(listItem(alice, pie.id)).toBeVisible();
  await expect(listItem(alice, crumble.id)).toBeVisible();
  await expect(listItem(alice, soup.id)).toHaveCount(0);
  await search.fill(`soup ${tag}`);
  await expect(items).toHaveCount(1);
  await expect(listItem(alice, soup.id)).toBeVisible();
  await search.fill(`no such title ${tag}`);
  await expect(items).toHaveCount(0);
  await expect(alice.page.getByText(`No documents contain “no such title ${tag}”.`)).toBeVisible();
  await search.fill('');
  await expect(listItem(alice, pie.id)).toBeVisible();
});

test('deleting from the list moves it to Trash, and the person who has it open is told', async ({
  alice,
  bob,
  request,
  server,
  docId,
}) => {
  await bob.open(docId);
  await bob.typeText('Soon gone');
  await bob.waitSaved();

  await alice.page.goto('/');
  const item = listItem(alice, docId);
  await expect(item).toBeVisible();
  await item.getByTestId('delete').click();
  const dialog = alice.page.getByTestId('confirm-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('confirm').click();
  await expect(item).toHaveCount(0);

  await expect(bob.page.getByTestId('doc-in-trash')).toBeVisible();
  await expect(bob.editor).toHaveAttribute('contenteditable', 'false');
  expect((await request.get(`${server.url}/api/docs/${docId}/export?format=markdown`)).status()).toBe(404);
  await alice.page.reload();
  await expect(listItem(alice, docId)).toHaveCount(0);
});

test('a document deleted from the list by mistake comes back with Undo', async ({ alice, request, server, docId }) => {
  await request.post(`${server.url}/api/docs`, { data: { id: docId } });
  await alice.page.goto('/');
  await listItem(alice, docId).getByTestId('delete').click();
  await alice.page.getByTestId('confirm-dialog').getByTestId('confirm').click();
  await expect(listItem(alice, docId)).toHaveCount(0);
  await alice.page.getByTestId('undo-delete').click();
  await expect(listItem(alice, docId)).toBeVisible();
  await expect(alice.page.getByTestId('trashed-notice')).toHaveCount(0);
  expect((await request.get(`${server.url}/api/docs/${docId}`)).status()).toBe(200);
});

test('opening the address of a document deleted for good says so, and can start a new, empty one there', async ({
  alice,
  bob,
  request,
  server,
  docId,
}) => {
  await alice.open(docId);
  await alice.typeText('Soon deleted');
  await alice.waitSaved();
  expect((await request.delete(`${server.url}/api/docs/${docId}`)).status()).toBe(200);
  await expect(alice.page.getByTestId('doc-in-trash')).toBeVisible();
  expect((await request.delete(`${server.url}/api/trash/${docId}`)).status()).toBe(204);

  // Someone opening the old link later is told, in words, instead of waiting for ever.
  await bob.page.goto(`/d/${docId}`);
  await expect(bob.docError).toContainText('This document was deleted.');
  await expect(bob.docError).toHaveAttribute('data-code', 'DOCUMENT_DELETED');
  await expect(bob.status).toHaveText('Deleted');
  await expect(bob.page.getByTestId('go-home')).toBeVisible();
  await expect(bob.page.getByTestId('retry')).toHaveCount(0);
  await expect(bob.editor).toHaveCount(0);
  await bob.page.screenshot({ path: test.info().outputPath('deleted-document.png') });
  // Opening it did not bring it back.
  expect((await request.get(`${server.url}/api/docs/${docId}/export`)).status()).toBe(404);

  await bob.page.getByTestId('recreate').click();
  await bob.waitLoaded();
  await bob.expectText('');
  await bob.typeText('A fresh start');
  await bob.waitSaved();
});

test('the list shows a page at a time, loads more from the keyboard, and searches on the server', async ({
  alice,
  request,
  server,
  docId,
}) => {
  const tag = docId.slice(-8);
  for (let i = 0; i < 55; i++) {
    await importDoc(request, server.url, `Note ${i}`, `Batch ${tag} ${String(i).padStart(2, '0')}`);
  }
  await alice.page.goto('/');
  const items = alice.page.getByTestId('doc-list').getByTestId('doc-item');
  await expect(items).toHaveCount(50);
  await alice.page.getByTestId('search').fill(`BATCH ${tag}`);
  await expect(items.first()).toContainText(`Batch ${tag} 54`);
  await expect(items).toHaveCount(50);
  const more = alice.page.getByTestId('show-more');
  await more.focus();
  await alice.page.screenshot({ path: test.info().outputPath('document-list.png'), fullPage: true });
  await alice.page.keyboard.press('Enter');
  await expect(items).toHaveCount(55);
  await expect(more).toHaveCount(0);
  // Focus moves on to the first document the button brought in.
  await expect(items.nth(50).locator('a')).toBeFocused();
  await expect(items.nth(50)).toContainText(`Batch ${tag} 04`);
  await expect(items.last()).toContainText(`Batch ${tag} 00`);
});

test('export over HTTP gives the content as Markdown and as HTML', async ({ alice, request, server, docId }) => {
  await alice.open(docId);
  await alice.typeText('# Plan\nShip it **soon**\n- one\ntwo');
  await alice.expectHtml(
    '<h1>Plan</h1><p>Ship it <strong>soon</strong></p><ul><li><p>one</p></li><li><p>two</p></li></ul>',
  );
  await alice.waitSaved();

  const markdown = await request.get(`${server.url}/api/docs/${docId}/export?format=markdown`);
  expect(markdown.status()).toBe(200);
  expect(markdown.headers()['content-type']).toContain('text/markdown');
  expect(markdown.headers()['content-disposition']).toContain('Plan.md');
  expect((await markdown.text()).trim()).toBe('# Plan\n\nShip it **soon**\n\n- one\n- two');

  const html = await request.get(`${server.url}/api/docs/${docId}/export?format=html`);
  expect(html.status()).toBe(200);
  expect(html.headers()['content-type']).toContain('text/html');
  const page = await html.text();
  expect(page).toContain('<title>Plan</title>');
  expect(page).toContain('<h1>Plan</h1>');
  expect(page).toContain('<strong>soon</strong>');
  expect(page).toMatch(/<ul>\s*<li>\s*<p>one<\/p>\s*<\/li>\s*<li>\s*<p>two<\/p>\s*<\/li>\s*<\/ul>/);
});

test('importing a Markdown file opens it as a document', async ({ alice, bob }) => {
  await alice.page.goto('/');
  await alice.page.getByTestId('import-file').setInputFiles({
    name: 'meeting-notes.md',
    mimeType: 'text/markdown',
    buffer: Buffer.from('# Meeting notes\n\nWe **agreed** on a plan.\n\n1. Write\n2. Review\n\n> Ship on Friday\n'),
  });
  await expect(alice.page).toHaveURL(/\/d\/[A-Za-z0-9_-]+$/);
  await alice.waitLoaded();
  const expected =
    '<h1>Meeting notes</h1><p>We <strong>agreed</strong> on a plan.</p>' +
    '<ol><li><p>Write</p></li><li><p>Review</p></li></ol><blockquote><p>Ship on Friday</p></blockquote>';
  await alice.expectHtml(expected);
  await expect(alice.title).toHaveValue('meeting-notes');

  // It is a real shared document.
  await bob.open(new URL(alice.page.url()).pathname.split('/').at(-1)!);
  await bob.expectHtml(expected);
});

test('pasting Markdown text turns it into structure, for both people', async ({ alice, bob, docId }) => {
  await alice.open(docId);
  await bob.open(docId);
  await alice.typeText('Intro');
  await alice.page.keyboard.press('Enter');
  await alice.editor.evaluate((editor) => {
    const data = new DataTransfer();
    data.setData('text/plain', '## Pasted list\n\n- first **one**\n- second\n\nSee [the site](https://example.com)');
    editor.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  const expected =
    '<p>Intro</p><h2>Pasted list</h2><ul><li><p>first <strong>one</strong></p></li><li><p>second</p></li></ul>' +
    '<p>See <a href="https://example.com/" rel="noopener noreferrer nofollow">the site</a></p>';
  await alice.expectHtml(expected);
  await bob.expectHtml(expected);
});

test.describe('offline', () => {
  // While offline, the page's reconnection attempts fail and Chromium logs them.
  test.use({ allowedConsoleErrors: [new RegExp(`${SERVER_UNREACHABLE.source}|net::ERR_INTERNET_DISCONNECTED`)] });

  test('a document opened once still opens offline, keeps offline edits across a reload, and syncs them after', async ({
    alice,
    bob,
    docId,
  }) => {
    await alice.open(docId);
    await alice.typeText('Written online.');
    await alice.waitSaved();
    // The service worker has cached the app and controls the page.
    await expect
      .poll(() => alice.page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 10_000 })
      .toBe(true);

    await alice.context.setOffline(true);
    const reachable = (): Promise<boolean> =>
      alice.page.evaluate(() =>
        fetch('/healthz', { cache: 'no-store' }).then(
          () => true,
          () => false,
        ),
      );
    expect(await reachable(), 'the server is out of reach').toBe(false);

    await alice.page.reload();
    await expect(alice.editor).toBeVisible();
    await alice.expectText('Written online.');
    await expect(alice.status).toHaveText(OFFLINE);

    const before = await localUpdates(alice, docId);
    await alice.typeText(' Written offline.');
    // Each keystroke is one update in the browser's copy; reload only once all are written.
    await expect
      .poll(() => localUpdates(alice, docId), { message: 'updates in IndexedDB' })
      .toBeGreaterThanOrEqual(before + ' Written offline.'.length);
    await alice.page.reload();
    await expect(alice.editor).toBeVisible();
    await alice.expectText('Written online. Written offline.');
    await expect(alice.status).toHaveText(OFFLINE);

    await bob.open(docId);
    await bob.expectText('Written online.');
    await alice.context.setOffline(false);
    await alice.waitSaved(15_000);
    await bob.expectText('Written online. Written offline.');
  });
});
