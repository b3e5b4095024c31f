import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/index.js';
import { TandemServer } from '../fixtures/TandemServer.js';
import { docText, mintToken } from '../fixtures/tokens.js';

const SECRET = 'e2e-secret-e2e-secret-e2e-secret-e2e-0123';

test.describe('token mode in the browser', () => {
  let server: TandemServer;
  test.beforeAll(async () => {
    server = await TandemServer.start({ TANDEM_AUTH_SECRET: SECRET });
  });
  test.afterAll(async () => server.stop());

  test('a share link signs an editor in; a viewer reads live but cannot change anything', async ({ browser }) => {
    const editorContext = await browser.newContext();
    const editor = await editorContext.newPage();
    await editor.goto(
      `${server.url}/auth#token=${encodeURIComponent(await mintToken(SECRET, 'Ana', { plan: 'editor' }))}&doc=plan`,
    );
    await expect(editor).toHaveURL(/\/d\/plan$/);
    const editorText = editor.getByTestId('editor');
    await editorText.click();
    await editor.keyboard.type('Only editors write here.');
    await expect(editor.getByTestId('connection-status')).toHaveAttribute('data-save', 'saved');

    const viewerContext = await browser.newContext();
    const viewer = await viewerContext.newPage();
    await viewer.goto(
      `${server.url}/auth#token=${encodeURIComponent(await mintToken(SECRET, 'Vic', { plan: 'viewer' }))}&doc=plan`,
    );
    await expect(viewer.getByTestId('view-only')).toBeVisible();
    await expect(viewer.getByTestId('connection-status')).toHaveText(/View only/);
    const viewerText = viewer.getByTestId('editor');
    await expect.poll(() => docText(viewer)).toBe('Only editors write here.');
    await expect(viewerText).toHaveAttribute('contenteditable', 'false');
    await viewerText.click();
    await viewer.keyboard.type('sneaky');
    await expect(viewer.getByTestId('tool-bold')).toHaveAttribute('aria-disabled', 'true');

    // Live: the viewer sees the editor's next words.
    await editorText.press('End');
    await editor.keyboard.type(' More.');
    await expect.poll(() => docText(viewer)).toBe('Only editors write here. More.');
    expect(await docText(editor)).toBe('Only editors write here. More.');
    await editorContext.close();
    await viewerContext.close();
  });

  test('a viewer opening a document that does not exist is told so, and nothing is created', async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const viewer = await mintToken(SECRET, 'Vic', { 'ghost-*': 'viewer' });
    await page.goto(`${server.url}/auth#token=${encodeURIComponent(viewer)}&doc=ghost-1`);
    await expect(page.getByTestId('doc-error')).toContainText(
      'There is no document at this address. Check the link, or ask the person who shared it.',
    );
    await expect(page.getByTestId('go-home')).toBeVisible();
    await expect(page.getByTestId('connection-status')).toHaveText('No such document');
    await expect(page.getByTestId('recreate')).toHaveCount(0);
    await expect(page.getByTestId('editor')).toHaveCount(0);
    await page.screenshot({ path: test.info().outputPath('no-such-document.png') });
    const owner = await mintToken(SECRET, 'Own', { '*': 'owner' });
    const stored = await fetch(`${server.url}/api/docs/ghost-1/export`, {
      headers: { authorization: `Bearer ${owner}` },
    });
    expect(stored.status).toBe(404);
    await context.close();
  });

  test('without a token the page says sign-in is needed instead of showing an editor', async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/d/plan`);
    await expect(page.getByTestId('doc-error')).toContainText(/access link/i);
    await expect(page.getByTestId('editor')).toHaveCount(0);
    await context.close();
  });
});
