import type { Browser, Page } from '@playwright/test';
import type { ConsoleGuard } from '../fixtures/ConsoleGuard.js';
import { expect, refusedWith, test } from '../fixtures/index.js';
import { TandemServer } from '../fixtures/TandemServer.js';
import { docText, mintToken, type LinkRole } from '../fixtures/tokens.js';

const SECRET = 'e2e-share-secret-e2e-share-secret-0123456';

/** The address of a new link the owner makes in the Share dialog. */
async function shareLink(owner: Page, role: LinkRole, name: string): Promise<string> {
  await owner.getByTestId('open-share').click();
  const dialog = owner.getByTestId('share-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('link-role').selectOption(role);
  await dialog.getByTestId('link-name').fill(name);
  await dialog.getByTestId('create-link').click();
  const url = await dialog.getByTestId('created-url').inputValue();
  expect(url).toMatch(/\/auth#token=.+&doc=/);
  return url;
}

async function newPage(browser: Browser, guard: ConsoleGuard, who: string): Promise<Page> {
  const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  guard.watch(page, who);
  return page;
}

test.describe('sharing from the editor (token mode)', () => {
  // A revoked link's page asks the server again and is refused: that refusal is the point.
  test.use({ allowedConsoleErrors: [refusedWith(401)] });
  let server: TandemServer;
  test.beforeAll(async () => {
    server = await TandemServer.start({ TANDEM_AUTH_SECRET: SECRET });
  });
  test.afterAll(async () => server.stop());

  test('an owner shares a viewer link, the viewer reads live under the link’s name, and loses access within 2 s of a revoke', async ({
    browser,
    pageGuard: guard,
  }) => {
    const owner = await newPage(browser, guard, 'owner');
    await owner.goto(
      `${server.url}/auth#token=${encodeURIComponent(await mintToken(SECRET, 'Olga', { '*': 'owner' }))}&doc=plan`,
    );
    await owner.getByTestId('editor').click();
    await owner.keyboard.type('Quarterly plan.');
    await expect(owner.getByTestId('connection-status')).toHaveAttribute('data-save', 'saved');

    const url = await shareLink(owner, 'viewer', 'Vera Viewer');
    // Copied for the owner to paste.
    expect(await owner.evaluate(() => navigator.clipboard.readText())).toBe(url);
    const row = owner.getByTestId('link-row').filter({ hasText: 'Vera Viewer' });
    await expect(row).toContainText('Can view');
    await expect(row).toContainText('Made by Olga');
    await expect(row).toContainText('never used');
    await owner.keyboard.press('Escape');
    await expect(owner.getByTestId('share-dialog')).toBeHidden();

    const viewer = await newPage(browser, guard, 'viewer');
    await viewer.goto(url);
    await expect(viewer).toHaveURL(/\/d\/plan$/);
    await expect.poll(() => docText(viewer)).toBe('Quarterly plan.');
    await expect(viewer.getByTestId('connection-status')).toHaveText(/View only/);
    // Their own name is the link's, as everyone else sees it.
    await expect(viewer.locator('[data-testid="avatar"][data-self="true"]')).toHaveAttribute(
      'data-name',
      'Vera Viewer',
    );
    await expect(owner.locator('[data-testid="avatar"][data-self="false"]')).toHaveAttribute(
      'data-name',
      'Vera Viewer',
    );
    // Nothing a viewer cannot do is offered.
    await expect(viewer.getByTestId('open-share')).toBeVisible();
    await viewer.getByTestId('doc-menu').click();
    await expect(viewer.getByRole('menuitem', { name: /Delete/ })).toHaveCount(0);
    await viewer.keyboard.press('Escape');

    // Live.
    await owner.getByTestId('editor').press('End');
    await owner.keyboard.type(' Revised.');
    await expect.poll(() => docText(viewer)).toBe('Quarterly plan. Revised.');

    // Revoked: the open page loses access within 2 s and says so.
    await owner.getByTestId('open-share').click();
    const revokeRow = owner.getByTestId('link-row').filter({ hasText: 'Vera Viewer' });
    await expect(revokeRow).not.toContainText('never used');
    const revokedAt = Date.now();
    await revokeRow.getByTestId('revoke-link').click();
    await expect(revokeRow).toHaveCount(0);
    await expect(viewer.getByTestId('access-revoked')).toBeVisible({ timeout: 2_000 });
    expect(Date.now() - revokedAt).toBeLessThan(2_000);
    await expect(viewer.getByTestId('connection-status')).toHaveText('Access withdrawn');
    await owner.getByTestId('share-dialog').getByRole('button', { name: 'Done' }).click();
    await owner.getByTestId('editor').press('End');
    await owner.keyboard.type(' Secret.');
    await expect(owner.getByTestId('connection-status')).toHaveAttribute('data-save', 'saved');
    expect(await docText(viewer)).toBe('Quarterly plan. Revised.');

    // Opening the address again is refused plainly, once.
    await viewer.goto(`${server.url}/d/plan`);
    await expect(viewer.getByTestId('doc-error')).toContainText(/withdrawn/);
    await owner.context().close();
    await viewer.context().close();
  });

  test('an editor’s link names them; the name is fixed, the colour theirs; another document says “no access” once', async ({
    browser,
    pageGuard: guard,
  }) => {
    const owner = await newPage(browser, guard, 'owner');
    await owner.goto(
      `${server.url}/auth#token=${encodeURIComponent(await mintToken(SECRET, 'Olga', { '*': 'owner' }))}&doc=notes`,
    );
    await owner.getByTestId('editor').click();
    await owner.keyboard.type('Notes.');
    const url = await shareLink(owner, 'editor', 'Eddie Editor');

    const editor = await newPage(browser, guard, 'editor');
    await editor.goto(url);
    await expect(editor.locator('[data-testid="avatar"][data-self="true"]')).toHaveAttribute(
      'data-name',
      'Eddie Editor',
    );
    await editor.locator('[data-testid="avatar"][data-self="true"]').click();
    const dialog = editor.getByTestId('identity-dialog');
    await expect(dialog.getByTestId('identity-link-name')).toContainText('Eddie Editor');
    await expect(dialog.getByTestId('identity-name')).toHaveCount(0);
    await dialog.getByRole('radio').nth(2).check();
    await dialog.getByTestId('identity-save').click();
    await expect(editor.locator('[data-testid="avatar"][data-self="true"]')).toHaveAttribute(
      'data-name',
      'Eddie Editor',
    );
    // Editors do not manage links: the dialog says so and offers the address.
    await editor.getByTestId('open-share').click();
    await expect(editor.getByTestId('share-dialog')).toContainText('Only the document’s owners can create links');
    await expect(editor.getByTestId('create-link')).toHaveCount(0);
    await editor.keyboard.press('Escape');

    await editor.goto(`${server.url}/d/elsewhere`);
    await expect(editor.getByTestId('doc-error')).toContainText('You do not have access to this document');
    await expect(editor.getByTestId('retry')).toHaveCount(0);
    await expect(editor.getByTestId('editor')).toHaveCount(0);
    // Home offers nothing a link for one document cannot do.
    await editor.goto(`${server.url}/`);
    await expect(editor.getByRole('heading', { name: 'Documents' })).toBeVisible();
    await expect(editor.getByTestId('new-doc')).toHaveCount(0);
    await expect(editor.getByTestId('import-doc')).toHaveCount(0);
    await owner.context().close();
    await editor.context().close();
  });
});
