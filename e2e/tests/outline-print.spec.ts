import fs from 'node:fs';
import type { APIRequestContext } from '@playwright/test';
import { expectNoSeriousViolations } from '../fixtures/axe.js';
import { expect, test, type DocPage } from '../fixtures/index.js';
import { TandemServer } from '../fixtures/TandemServer.js';
import { mintToken } from '../fixtures/tokens.js';

/** Creates a document from Markdown through the HTTP API; its id. */
async function importDoc(request: APIRequestContext, url: string, markdown: string, title: string): Promise<string> {
  const response = await request.post(`${url}/api/docs/import`, { data: { markdown, title } });
  expect(response.status()).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

const filler = (n: number) => Array.from({ length: n }, (_, i) => `Paragraph ${i} of filler text.`).join('\n\n');
const LONG = `# Intro\n\n${filler(30)}\n\n## Middle part\n\n${filler(30)}\n\n### The end\n\nLast words.\n`;

/** The text of the heading that holds the caret in `user`'s editor, or null. */
function headingAtCaret(user: DocPage): Promise<string | null> {
  return user.page.evaluate(() => {
    const node = window.getSelection()?.anchorNode ?? null;
    const element = node instanceof Element ? node : (node?.parentElement ?? null);
    return element?.closest('h1, h2, h3')?.textContent ?? null;
  });
}

test.describe('outline, word count, print and Word', () => {
  test('the outline lists headings, jumps to one, follows the caret and others’ edits, and stays open', async ({
    alice,
    bob,
    server,
  }) => {
    // Two browsers, a reload and many steps: more than the default on a busy machine.
    test.setTimeout(60_000);
    const id = await importDoc(alice.page.request, server.url, LONG, 'Outlined');
    await alice.open(id);
    await bob.open(id);
    const outline = alice.page.getByTestId('outline');
    await expect(outline).toHaveCount(0);
    await alice.editor.focus();
    await alice.page.keyboard.press('Control+Alt+o');
    const items = outline.getByTestId('outline-item');
    await expect(items).toHaveText(['Intro', 'Middle part', 'The end']);

    await items.nth(2).click();
    await expect(alice.editor).toBeFocused();
    expect(await headingAtCaret(alice)).toBe('The end');
    await expect(alice.editor.locator('h3')).toBeInViewport();
    await expect(items.nth(2)).toHaveAttribute('aria-current', 'location');

    await items.nth(1).focus();
    await alice.page.keyboard.press('Enter');
    expect(await headingAtCaret(alice)).toBe('Middle part');
    await expect(items.nth(1)).toHaveAttribute('aria-current', 'location');

    await alice.moveCaret('Control+Home');
    await expect(items.nth(0)).toHaveAttribute('aria-current', 'location');
    await expect(items.nth(1)).not.toHaveAttribute('aria-current');

    await bob.typeText('\nAdded by Bob');
    await bob.select('Added by Bob');
    await bob.page.keyboard.press('Control+Alt+2');
    await expect(items).toHaveText(['Intro', 'Middle part', 'The end', 'Added by Bob']);

    await alice.reload();
    await expect(alice.page.getByTestId('outline-item')).toHaveCount(4);
    await alice.page.getByTestId('close-outline').click();
    await expect(outline).toHaveCount(0);
    await expect(alice.editor).toBeFocused();
  });

  test('an outline of a document without headings says how to get one, and the panel and count pass axe', async ({
    alice,
    docId,
  }) => {
    await alice.open(docId);
    await alice.page.getByTestId('open-outline').click();
    await expect(alice.page.getByTestId('outline')).toContainText('Add headings to see an outline');
    await alice.typeText('Some words');
    await expect(alice.page.getByTestId('word-count')).toHaveText('2 words · 10 characters');
    await expectNoSeriousViolations(alice.page, 'editor with the outline and the count');
  });

  test('counts words and characters of the document and of the selection', async ({ alice, docId }) => {
    await alice.open(docId);
    await alice.typeText('one two three');
    const count = alice.page.getByTestId('word-count');
    await expect(count).toHaveText('3 words · 13 characters');
    await alice.select('two');
    await expect(count).toHaveText('1 of 3 words · 3 of 13 characters');
    await expect(alice.page.getByTestId('word-count-announcement')).toHaveText('');
    await count.click();
    await expect(alice.page.getByTestId('word-count-announcement')).toHaveText('1 of 3 words · 3 of 13 characters.');
  });

  test('printing shows the document alone, with its title', async ({ alice, server }) => {
    const id = await importDoc(alice.page.request, server.url, '# Printed\n\nBody text.\n', 'Printed page');
    await alice.open(id);
    await alice.page.getByTestId('open-outline').click();
    await alice.page.emulateMedia({ media: 'print' });
    await expect(alice.page.locator('.doc-header')).toBeHidden();
    await expect(alice.page.locator('.toolbar')).toBeHidden();
    await expect(alice.page.getByTestId('outline')).toBeHidden();
    await expect(alice.page.getByTestId('word-count')).toBeHidden();
    await expect(alice.editor).toContainText('Body text.');
    await expect(alice.page.locator('.print-title')).toHaveText('Printed page');
    const pdf = await alice.page.pdf();
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await alice.page.emulateMedia({ media: 'screen' });
    await expect(alice.page.locator('.print-title')).toBeHidden();
  });

  test('the ⋯ menu downloads the document as Word and offers printing', async ({ alice, server }) => {
    const id = await importDoc(alice.page.request, server.url, '# Plan\n\nSome **bold** words.\n', 'Plan');
    await alice.open(id);
    await alice.page.getByTestId('doc-menu').click();
    await expect(alice.page.getByRole('menuitem', { name: /Print \/ Save as PDF/ })).toContainText('Ctrl+P');
    const downloading = alice.page.waitForEvent('download');
    await alice.page.getByRole('menuitem', { name: 'Download as Word' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('Plan.docx');
    const bytes = fs.readFileSync(await download.path());
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
  });
});

test.describe('downloads with a share link', () => {
  const SECRET = 'e2e-secret-e2e-secret-e2e-secret-e2e-0456';
  let server: TandemServer;
  test.beforeAll(async () => {
    server = await TandemServer.start({ TANDEM_AUTH_SECRET: SECRET });
  });
  test.afterAll(async () => server.stop());

  test('the Word download carries the link’s token, which a plain link could not', async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const token = await mintToken(SECRET, 'Ana', { memo: 'editor' });
    await page.goto(`${server.url}/auth#token=${encodeURIComponent(token)}&doc=memo`);
    await page.getByTestId('editor').click();
    await page.keyboard.type('Memo for the team');
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-save', 'saved');
    // Without the token the server refuses the export: only the header lets the menu's download through.
    expect((await page.request.get(`${server.url}/api/docs/memo/export?format=docx`)).status()).toBe(401);
    await page.getByTestId('doc-menu').click();
    const downloading = page.waitForEvent('download');
    await page.getByRole('menuitem', { name: 'Download as Word' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('Memo for the team.docx');
    expect(
      fs
        .readFileSync(await download.path())
        .subarray(0, 2)
        .toString('latin1'),
    ).toBe('PK');
    await context.close();
  });
});
