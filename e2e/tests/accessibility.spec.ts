import { expectNoSeriousViolations } from '../fixtures/axe.js';
import { expect, test, type DocPage } from '../fixtures/index.js';
import { mintToken } from '../fixtures/tokens.js';

const SECRET = 'e2e-a11y-secret-e2e-a11y-secret-01234567';

/** A document with the kinds of content people write: a heading, text, a task list. */
async function writeSampleDocument(user: DocPage): Promise<void> {
  await user.typeText('# Team plan\nWe ship on Friday.\n[ ] Write the notes\nCheck the build');
  await user.waitSaved();
}

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`accessibility (${colorScheme})`, () => {
    test.use({ colorScheme });

    test('the home page', async ({ alice, docId }) => {
      await alice.open(docId);
      await writeSampleDocument(alice);
      await alice.page.goto('/');
      await expect(alice.page.getByTestId('doc-item').first()).toBeVisible();
      await expectNoSeriousViolations(alice.page, `home, ${colorScheme}`);
    });

    test('the editor with text, a task list and another person at work', async ({ alice, bob, docId }) => {
      await alice.open(docId);
      await writeSampleDocument(alice);
      await bob.open(docId);
      await bob.typeText(' Bob was here.');
      await expect(alice.page.locator('.remote-caret-label')).toBeVisible();
      await expect(alice.page.getByTestId('avatar')).toHaveCount(2);
      await expectNoSeriousViolations(alice.page, `editor, ${colorScheme}`);
    });

    test('the find bar with replace, and the highlight menu', async ({ alice, docId }) => {
      await alice.open(docId);
      await alice.typeText('Find this word, and this word too.');
      await alice.page.keyboard.press('Control+h');
      await alice.page.keyboard.type('word');
      await expect(alice.page.getByTestId('find-count')).toHaveText(/of 2$/);
      await expectNoSeriousViolations(alice.page, `find bar, ${colorScheme}`);
      await alice.page.keyboard.press('Escape');
      await alice.tool('highlight').click();
      await expect(alice.page.getByRole('menu', { name: 'Highlight' })).toBeVisible();
      await expectNoSeriousViolations(alice.page, `highlight menu, ${colorScheme}`);
    });

    test('version history with a comparison shown', async ({ alice, docId }) => {
      await alice.open(docId);
      await writeSampleDocument(alice);
      await alice.page.getByTestId('open-history').click();
      const panel = alice.page.getByTestId('history-panel');
      await panel.getByTestId('history-current').click();
      await panel.getByTestId('history-name').click();
      await panel.getByTestId('history-name-input').fill('First draft');
      await panel.getByTestId('history-name-save').click();
      await panel.getByTestId('history-close').click();
      await alice.typeText('\nA later line');
      await alice.waitSaved();
      await alice.page.getByTestId('open-history').click();
      await panel.locator('[data-testid="history-version"][data-name="First draft"]').click();
      await panel.getByTestId('history-compare').selectOption('current');
      await expect(panel.getByTestId('history-preview').locator('[data-change="added"]').first()).toBeVisible();
      await expectNoSeriousViolations(alice.page, `history, ${colorScheme}`);
    });

    test('the shortcuts sheet, and the toolbar’s "More" menu on a phone', async ({ alice, docId }) => {
      await alice.page.setViewportSize({ width: 390, height: 844 });
      await alice.open(docId);
      await writeSampleDocument(alice);
      await alice.page.getByRole('button', { name: 'More formatting' }).click();
      await expect(alice.page.getByRole('menu', { name: 'More formatting' })).toBeVisible();
      await expectNoSeriousViolations(alice.page, `phone toolbar menu, ${colorScheme}`);
      await alice.page.keyboard.press('Escape');
      await alice.page.keyboard.press('ControlOrMeta+/');
      await expect(alice.page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
      await expectNoSeriousViolations(alice.page, `shortcuts sheet, ${colorScheme}`);
    });

    test('the Trash page with a deleted document in it, and a trashed document’s own page', async ({
      alice,
      request,
      server,
      docId,
    }) => {
      await alice.open(docId);
      await writeSampleDocument(alice);
      expect((await request.delete(`${server.url}/api/docs/${docId}`)).status()).toBe(200);
      await expect(alice.page.getByTestId('doc-in-trash')).toBeVisible();
      await expectNoSeriousViolations(alice.page, `document in Trash, ${colorScheme}`);
      await alice.page.goto('/trash');
      await expect(alice.page.locator(`[data-testid="trash-item"][data-doc-id="${docId}"]`)).toBeVisible();
      await expectNoSeriousViolations(alice.page, `trash, ${colorScheme}`);
    });

    test.describe('token mode', () => {
      test.use({ isolatedServer: true, serverEnv: { TANDEM_AUTH_SECRET: SECRET } });

      test('the Share dialog, opened by an owner with a link made', async ({ alice, docId }) => {
        const token = await mintToken(SECRET, 'Olga Owner', { '*': 'owner' });
        await alice.page.goto(`/auth#token=${encodeURIComponent(token)}&doc=${docId}`);
        await alice.waitLoaded();
        await writeSampleDocument(alice);
        await alice.page.getByTestId('open-share').click();
        const dialog = alice.page.getByTestId('share-dialog');
        await dialog.getByTestId('link-role').selectOption('viewer');
        await dialog.getByTestId('link-name').fill('Vera Viewer');
        await dialog.getByTestId('create-link').click();
        await expect(dialog.getByTestId('link-row').filter({ hasText: 'Vera Viewer' })).toBeVisible();
        await expectNoSeriousViolations(alice.page, `share dialog, ${colorScheme}`);
      });
    });
  });
}
