import type { Page } from '@playwright/test';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, test } from '../fixtures/index.js';
import { TandemServer } from '../fixtures/TandemServer.js';

const SECRET = 'e2e-secret-e2e-secret-e2e-secret-e2e-0123';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

type Role = 'viewer' | 'editor' | 'owner';
type IssueToken = (
  secret: string,
  user: { id: string; name: string; roles: Record<string, Role> },
  ttl: number,
) => Promise<string>;

/** Mints a token with the server's own code (built before the e2e suite runs). */
async function token(name: string, roles: Record<string, Role>): Promise<string> {
  const tokens = (await import(pathToFileURL(path.join(ROOT, 'apps/sync-server/dist/auth/tokens.js')).href)) as {
    issueToken: IssueToken;
  };
  return tokens.issueToken(SECRET, { id: name.toLowerCase(), name, roles }, 3600);
}

/** The document's text without other people's carets and name labels. */
function docText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const editor = document.querySelector('[data-testid="editor"]')?.cloneNode(true) as HTMLElement | undefined;
    editor?.querySelectorAll('.ProseMirror-yjs-cursor').forEach((caret) => caret.remove());
    return (editor?.textContent ?? '').replace(/\u2060/g, '');
  });
}

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
      `${server.url}/auth#token=${encodeURIComponent(await token('Ana', { plan: 'editor' }))}&doc=plan`,
    );
    await expect(editor).toHaveURL(/\/d\/plan$/);
    const editorText = editor.getByTestId('editor');
    await editorText.click();
    await editor.keyboard.type('Only editors write here.');
    await expect(editor.getByTestId('connection-status')).toHaveAttribute('data-save', 'saved');

    const viewerContext = await browser.newContext();
    const viewer = await viewerContext.newPage();
    await viewer.goto(
      `${server.url}/auth#token=${encodeURIComponent(await token('Vic', { plan: 'viewer' }))}&doc=plan`,
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
    const viewer = await token('Vic', { 'ghost-*': 'viewer' });
    await page.goto(`${server.url}/auth#token=${encodeURIComponent(viewer)}&doc=ghost-1`);
    await expect(page.getByTestId('doc-error')).toContainText(
      'There is no document at this address. Check the link, or ask the person who shared it.',
    );
    await expect(page.getByTestId('go-home')).toBeVisible();
    await expect(page.getByTestId('connection-status')).toHaveText('No such document');
    await expect(page.getByTestId('recreate')).toHaveCount(0);
    await expect(page.getByTestId('editor')).toHaveCount(0);
    await page.screenshot({ path: test.info().outputPath('no-such-document.png') });
    const owner = await token('Own', { '*': 'owner' });
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
