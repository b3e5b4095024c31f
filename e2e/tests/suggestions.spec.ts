import type { Locator, Page } from '@playwright/test';
import { DocPage, expect, expectConverged, test } from '../fixtures/index.js';
import { expectNoSeriousViolations } from '../fixtures/axe.js';
import { TandemServer } from '../fixtures/TandemServer.js';
import { docText, mintToken } from '../fixtures/tokens.js';

/** Gives the next page load of `user` a fixed name and colour (open mode picks random ones). */
async function nameUser(user: DocPage, name: string, color: string): Promise<void> {
  await user.page.addInitScript(
    ([n, c]) => localStorage.setItem('tandem.user', JSON.stringify({ name: n, color: c })),
    [name, color],
  );
}

function modeSwitch(page: Page): Locator {
  return page.getByRole('button', { name: 'Suggesting mode' });
}

/** The Suggestions panel's card for the suggestion whose text includes `text`. */
function card(page: Page, text: string): Locator {
  return page.getByTestId('suggestion').filter({ hasText: text });
}

/** Presses Backspace `times` times, waiting for the editor to take each. */
async function backspace(user: DocPage, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await user.moveCaret('Backspace');
}

test.describe('suggesting changes', () => {
  test.beforeEach(async ({ alice, bob, docId }) => {
    await nameUser(alice, 'Alice', '#1971c2');
    await nameUser(bob, 'Bob', '#c2255c');
    await alice.open(docId);
    await alice.typeText('The quick fox jumps.');
    await alice.waitSaved();
    await bob.open(docId);
    await bob.expectText('The quick fox jumps.');
  });

  test('a suggester’s typing and deleting show for everyone; accepting converges and Ctrl+Z undoes it in one step', async ({
    alice,
    bob,
    openUser,
    docId,
  }) => {
    await expect(modeSwitch(bob.page)).toHaveAttribute('aria-pressed', 'false');
    await modeSwitch(bob.page).click();
    await expect(modeSwitch(bob.page)).toHaveAttribute('aria-pressed', 'true');

    // Delete a word (struck through, not removed) and type at the end (underlined).
    await bob.select('quick ');
    await bob.page.keyboard.press('Backspace');
    await bob.typeText(' Really.');
    await bob.moveCaret('End');
    await backspace(bob, 2);
    const carol = await openUser('carol');
    await carol.open(docId);
    for (const user of [alice, bob, carol]) {
      await expect(user.editor.locator('del.suggested-deletion').first()).toHaveText('quick ');
      await expect(user.editor.locator('ins.suggested-insertion')).toHaveText(' Reall');
    }
    expect(await expectConverged([alice, bob, carol])).toBe('The quick fox jumps. Reall');
    await expect(alice.editor.locator('del.suggested-deletion').first()).toHaveAttribute('title', /by Bob/);

    // The caret in suggested text shows who suggested what.
    await alice.editor.locator('del.suggested-deletion').first().click();
    await expect(alice.page.getByTestId('suggestion-hint')).toContainText('Bob suggested deleting this');
    await alice.page.screenshot({ path: test.info().outputPath('suggestion-hint.png') });

    await expect(alice.page.getByRole('button', { name: 'Suggestions (2)' })).toBeVisible();
    await alice.page.getByTestId('open-suggestions').click();
    await expect(alice.page.getByTestId('suggestion')).toHaveCount(2);
    await expect(card(alice.page, 'Delete')).toContainText('Bob');
    await expect(card(alice.page, 'Add')).toContainText('“ Reall”');
    await alice.page.screenshot({ path: test.info().outputPath('suggestions-panel.png') });
    await expectNoSeriousViolations(alice.page, 'suggestions panel and marks');

    await card(alice.page, 'Delete').getByRole('button', { name: 'Accept suggestion by Bob' }).click();
    await expect(alice.page.getByTestId('suggestion')).toHaveCount(1);
    for (const user of [alice, bob, carol]) await user.expectText('The fox jumps. Reall');
    expect(await expectConverged([alice, bob, carol])).toBe('The fox jumps. Reall');

    await alice.editor.focus();
    await alice.page.keyboard.press('Control+z');
    for (const user of [alice, bob, carol]) {
      await user.expectText('The quick fox jumps. Reall');
      await expect(user.editor.locator('del.suggested-deletion').first()).toHaveText('quick ');
    }
    await expect(alice.page.getByTestId('suggestion')).toHaveCount(2);
    await expectConverged([alice, bob, carol]);

    // By keyboard: Tab from the text in a suggestion reaches the hint's Accept.
    await alice.editor.locator('del.suggested-deletion').first().click();
    // The hint comes once the caret has settled in the suggestion; Tab before that leaves the editor.
    await expect(alice.page.getByTestId('suggestion-hint')).toBeVisible();
    await alice.page.keyboard.press('Tab');
    await expect(
      alice.page.getByTestId('suggestion-hint').getByRole('button', { name: 'Accept suggestion by Bob' }),
    ).toBeFocused();
    await alice.page.keyboard.press('Enter');
    for (const user of [alice, bob, carol]) await user.expectText('The fox jumps. Reall');
    await expect(alice.editor).toBeFocused();
  });

  test('rejecting a suggestion puts the text back as it was for everyone', async ({ alice, bob }) => {
    await bob.editor.focus();
    await bob.page.keyboard.press('Control+Alt+Shift+S');
    await expect(modeSwitch(bob.page)).toHaveAttribute('aria-pressed', 'true');
    await bob.select('quick');
    await bob.page.keyboard.type('slow');
    await alice.expectHtml('slow</ins>');
    await alice.page.getByTestId('open-suggestions').click();
    await expect(card(alice.page, 'Replace')).toContainText('Replace: “quick” with “slow”');
    // Clicking the card selects the suggested text.
    await card(alice.page, 'Replace')
      .getByRole('button', { name: /Replace:/ })
      .click();
    await expect.poll(() => alice.page.evaluate(() => window.getSelection()?.toString())).toBe('quickslow');
    // Alice asks about it; Bob sees the question under the suggestion and answers.
    await card(alice.page, 'Replace').getByRole('button', { name: 'Discuss' }).click();
    await alice.page.getByRole('textbox', { name: 'Comment on the suggestion by Bob' }).fill('Why slow?');
    await card(alice.page, 'Replace').getByRole('button', { name: 'Comment', exact: true }).click();
    await bob.page.getByTestId('open-suggestions').click();
    await expect(card(bob.page, 'Replace').getByTestId('suggestion-message')).toHaveText(['Alice Why slow?']);
    await card(bob.page, 'Replace').getByRole('button', { name: 'Reply' }).click();
    await bob.page.getByRole('textbox', { name: 'Reply' }).fill('It reads better.');
    await bob.page.keyboard.press('Control+Enter');
    await expect(card(alice.page, 'Replace').getByTestId('suggestion-message')).toHaveText([
      'Alice Why slow?',
      'Bob It reads better.',
    ]);
    await alice.page.screenshot({ path: test.info().outputPath('suggestion-discussion.png') });
    await card(alice.page, 'Replace').getByRole('button', { name: 'Reject suggestion by Bob' }).click();
    await alice.expectText('The quick fox jumps.');
    await bob.expectText('The quick fox jumps.');
    expect(await expectConverged([alice, bob])).toBe('The quick fox jumps.');
    await expect(bob.editor.locator('ins, del')).toHaveCount(0);
  });

  test('Ctrl+Alt+Shift+S switches an editor between Editing and Suggesting', async ({ alice }) => {
    await alice.editor.focus();
    await expect(modeSwitch(alice.page)).toHaveAttribute('aria-pressed', 'false');
    await alice.page.keyboard.press('Control+Alt+Shift+S');
    await expect(modeSwitch(alice.page)).toHaveAttribute('aria-pressed', 'true');
    await alice.typeText(' Yes');
    await expect(alice.editor.locator('ins.suggested-insertion')).toHaveText(' Yes');
    // Splitting a paragraph can't be suggested: it is turned back, and the page says why.
    await alice.page.keyboard.press('Enter');
    await expect(alice.page.getByTestId('suggest-notice')).toContainText('Only text can be suggested');
    await alice.page.screenshot({ path: test.info().outputPath('suggesting-mode.png') });
    await alice.expectText('The quick fox jumps. Yes');
    await alice.page.keyboard.press('Control+Alt+Shift+S');
    await expect(modeSwitch(alice.page)).toHaveAttribute('aria-pressed', 'false');
    await alice.typeText('!');
    await alice.expectText('The quick fox jumps. Yes!');
    await expect(alice.editor.locator('ins.suggested-insertion')).toHaveText(' Yes');
  });
});

const SECRET = 'e2e-secret-e2e-secret-e2e-secret-e2e-0123';

test.describe('a commenter', () => {
  let server: TandemServer;
  test.beforeAll(async () => {
    server = await TandemServer.start({ TANDEM_AUTH_SECRET: SECRET });
  });
  test.afterAll(async () => server.stop());

  /** Opens `docId` in a new context signed in with a token for `name` as `role`. */
  async function signIn(
    browser: import('@playwright/test').Browser,
    name: string,
    role: 'viewer' | 'commenter' | 'owner',
    docId: string,
  ): Promise<Page> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(
      `${server.url}/auth#token=${encodeURIComponent(await mintToken(SECRET, name, { [docId]: role }))}&doc=${docId}`,
    );
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-connection', 'synced');
    return page;
  }

  test('is always in Suggesting mode and cannot switch to Editing', async ({ browser }) => {
    const owner = await signIn(browser, 'Olga', 'owner', 'review-1');
    await owner.getByTestId('editor').click();
    await owner.keyboard.type('Please review this.');
    await expect(owner.getByTestId('connection-status')).toHaveAttribute('data-save', 'saved');

    const commenter = await signIn(browser, 'Cem', 'commenter', 'review-1');
    await expect.poll(() => docText(commenter)).toBe('Please review this.');
    const toggle = modeSwitch(commenter);
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await expect(toggle).toHaveAttribute('aria-disabled', 'true');
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await toggle.dispatchEvent('click');
    await commenter.getByTestId('editor').focus();
    await commenter.keyboard.press('Control+Alt+Shift+S');
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    await expect(commenter.getByTestId('suggest-notice')).toContainText('an editor decides');
    // Only editors and owners accept or reject.
    await commenter.keyboard.press('Control+End');
    await commenter.keyboard.type(' Soon');
    await commenter.getByTestId('open-suggestions').click();
    await expect(commenter.getByTestId('suggestions-panel')).toBeVisible();
    await expect(commenter.getByTestId('suggestion')).toHaveCount(1);
    await expect(commenter.getByTestId('accept-suggestion')).toHaveCount(0);
    await expect(commenter.getByTestId('doc-title')).toBeDisabled();

    // A viewer neither edits nor suggests: no switch at all.
    const viewer = await signIn(browser, 'Vic', 'viewer', 'review-1');
    await expect.poll(() => docText(viewer)).toBe('Please review this. Soon');
    await expect(modeSwitch(viewer)).toHaveCount(0);
    await owner.context().close();
    await commenter.context().close();
    await viewer.context().close();
  });

  // Needs the server to accept a commenter's suggestions (the server branch of issue 14).
  test('suggests by typing, and the owner accepts it (needs the server to accept commenters’ suggestions)', async ({
    browser,
  }) => {
    const owner = await signIn(browser, 'Olga', 'owner', 'review-2');
    await owner.getByTestId('editor').click();
    await owner.keyboard.type('Please review this.');
    await expect(owner.getByTestId('connection-status')).toHaveAttribute('data-save', 'saved');

    const commenter = await signIn(browser, 'Cem', 'commenter', 'review-2');
    await expect.poll(() => docText(commenter)).toBe('Please review this.');
    await commenter.getByTestId('editor').focus();
    await commenter.keyboard.press('Control+End');
    await commenter.keyboard.type(' Done');
    await expect(owner.getByTestId('editor').locator('ins.suggested-insertion')).toHaveText(' Done');
    await expect(owner.getByTestId('editor').locator('ins.suggested-insertion')).toHaveAttribute('title', /by Cem/);
    await owner.getByTestId('open-suggestions').click();
    await owner.getByTestId('suggestions-panel').getByRole('button', { name: 'Accept suggestion by Cem' }).click();
    await expect.poll(() => docText(commenter)).toBe('Please review this. Done');
    await expect(commenter.getByTestId('editor').locator('ins')).toHaveCount(0);
    await owner.context().close();
    await commenter.context().close();
  });
});
