import type { Locator, Page } from '@playwright/test';
import { expectNoSeriousViolations } from '../fixtures/axe.js';
import { expect, SERVER_UNREACHABLE, test, type DocPage } from '../fixtures/index.js';
import { TandemServer } from '../fixtures/TandemServer.js';
import { docText, mintToken } from '../fixtures/tokens.js';

/** Gives a person a known name and colour before their page opens (as the identity dialog would). */
async function named(user: DocPage, name: string, color: string): Promise<DocPage> {
  await user.context.addInitScript(
    ([n, c]) => localStorage.setItem('tandem.user', JSON.stringify({ name: n, color: c })),
    [name, color] as const,
  );
  return user;
}

/** The comments panel of a page, opening it when it is closed. */
async function openPanel(page: Page): Promise<Locator> {
  const panel = page.getByRole('region', { name: 'Comments' });
  if (!(await panel.isVisible())) await page.getByTestId('open-comments').click();
  await expect(panel).toBeVisible();
  return panel;
}

/** Writes a new comment on the current selection, started from the toolbar's Comment button. */
async function commentOnSelection(user: DocPage, text: string): Promise<void> {
  await user.tool('comment').click();
  const input = user.page.getByTestId('comment-composer-input');
  await expect(input).toBeFocused();
  await input.fill(text);
  await input.press('Enter');
  await expect(input).toHaveCount(0);
}

const highlight = (page: Page): Locator => page.locator('[data-testid="editor"] .comment-highlight');

/** The highlighted text, joined across the spans the highlight is drawn in. */
async function highlightedText(page: Page): Promise<string> {
  return (await highlight(page).allTextContents()).join('');
}

test.describe('comments between three people', () => {
  // Alice's connection is cut while she comments offline; her page logs each refused reconnection.
  test.use({ allowedConsoleErrors: [SERVER_UNREACHABLE] });

  test('comment, reply, concurrent edits under the highlight, resolve, deleted text, offline, reload', async ({
    openUser,
    docId,
  }) => {
    const alice = await named(await openUser('alice', { cuttable: true }), 'Alice Adams', '#1971c2');
    const bob = await named(await openUser('bob'), 'Bob Brown', '#2b8a3e');
    const carol = await named(await openUser('carol'), 'Carol Chen', '#c2255c');
    await alice.open(docId);
    await bob.open(docId);
    await carol.open(docId);

    const sentence = 'The quick brown fox jumps over the lazy dog.';
    await alice.typeText(`Intro line. ${sentence} Closing words.\nSecond paragraph to delete.`);
    await carol.expectText(`Intro line. ${sentence} Closing words.\nSecond paragraph to delete.`);

    // Alice selects the sentence and comments on it.
    await alice.select(sentence);
    await commentOnSelection(alice, 'Is this sentence too long?');
    const alicePanel = alice.page.getByRole('region', { name: 'Comments' });
    const aliceThread = alicePanel.getByTestId('comment-thread');
    await expect(aliceThread).toHaveCount(1);
    await expect(aliceThread.getByTestId('comment-quote')).toContainText(sentence);
    await expect.poll(() => highlightedText(alice.page)).toBe(sentence);

    // Bob sees the highlight, the count, the news dot, and the thread; he replies.
    await expect.poll(() => highlightedText(bob.page)).toBe(sentence);
    await expect(bob.page.getByTestId('comments-count')).toHaveText('1');
    await expect(bob.page.getByTestId('comments-news')).toBeVisible();
    const bobPanel = await openPanel(bob.page);
    const bobThread = bobPanel.getByTestId('comment-thread');
    await expect(bobThread.getByTestId('comment-message')).toContainText(['Is this sentence too long?']);
    await expect(bobThread.getByTestId('comment-author')).toHaveText(['Alice Adams']);
    await expect(bobThread.getByTestId('comment-new')).toBeVisible();
    const reply = bobThread.getByTestId('comment-reply-input');
    await reply.fill('A little. @Ali');
    // @ suggests the people here: Alice is chosen by keyboard.
    await reply.press('End');
    await reply.press('Backspace');
    await reply.pressSequentially('i');
    const option = bob.page.getByRole('option', { name: 'Alice Adams' });
    await expect(option).toBeVisible();
    await expect(reply).toHaveAttribute('aria-activedescendant', (await option.getAttribute('id'))!);
    await reply.press('Enter');
    await expect(reply).toHaveValue('A little. @Alice Adams ');
    await reply.pressSequentially('what do you think?');
    await reply.press('Enter');
    await expect(reply).toHaveValue('');
    // Shown with the panel open, the thread counts as seen: its badge and the button's dot go.
    await expect(bobThread.getByTestId('comment-new')).toHaveCount(0);
    await expect(bob.page.getByTestId('comments-news')).toHaveCount(0);

    // Alice sees the reply, with her mention highlighted.
    await expect(aliceThread.getByTestId('comment-message')).toHaveCount(2);
    await expect(aliceThread.getByTestId('comment-message').nth(1)).toContainText(
      'A little. @Alice Adams what do you think?',
    );
    await expect(aliceThread.locator('.comment-mention')).toHaveText('@Alice Adams');

    // Alice rewords her question; Bob sees the new words, marked as edited.
    await aliceThread.getByTestId('comment-message').first().hover();
    await aliceThread.getByTestId('comment-edit').click();
    const editor = aliceThread.getByTestId('comment-editor-input');
    await expect(editor).toBeFocused();
    await editor.fill('Is this sentence too long for a summary?');
    await editor.press('Enter');
    await expect(bobThread.getByTestId('comment-message').first()).toContainText(
      'Is this sentence too long for a summary?',
    );
    await expect(bobThread.getByTestId('comment-message').first()).toContainText('(edited)');
    // Only a message's author may edit it (in open mode everyone is an owner, so Bob could still delete it).
    await expect(bobThread.getByTestId('comment-message').first().getByTestId('comment-edit')).toHaveCount(0);

    // Carol edits inside and before the sentence while the thread is open; Alice types after it.
    await carol.select('quick');
    await carol.page.keyboard.type('very quick');
    await carol.select('Intro');
    await carol.page.keyboard.type('Opening');
    const edited = 'The very quick brown fox jumps over the lazy dog.';
    for (const user of [alice, bob, carol]) {
      await user.expectText(`Opening line. ${edited} Closing words.\nSecond paragraph to delete.`);
      await expect.poll(() => highlightedText(user.page)).toBe(edited);
    }

    // Carol opens her panel; Alice resolves: the thread leaves the Open list for all three.
    const carolPanel = await openPanel(carol.page);
    await expect(carolPanel.getByTestId('comment-thread')).toHaveCount(1);
    // Clicking the highlighted text makes its card the active one.
    await expect(carolPanel.getByTestId('comment-thread')).not.toHaveClass(/active/);
    await highlight(carol.page).first().click();
    await expect(carolPanel.getByTestId('comment-thread')).toHaveClass(/active/);
    await expect(highlight(carol.page).first()).toHaveClass(/comment-highlight-active/);
    await aliceThread.getByTestId('comment-resolve').click();
    for (const panel of [alicePanel, bobPanel, carolPanel]) {
      await expect(panel.getByTestId('comment-thread')).toHaveCount(0);
    }
    await expect(highlight(bob.page)).toHaveCount(0);
    await bobPanel.getByTestId('comments-filter-resolved').click();
    await expect(bobPanel.getByTestId('comment-thread')).toContainText('Resolved by Alice Adams');
    await bobPanel.getByTestId('comments-filter-open').click();

    // Bob comments on the second paragraph with Ctrl+Alt+M; Carol deletes that paragraph's text.
    await bob.select('Second paragraph to delete.');
    await bob.page.keyboard.press('Control+Alt+m');
    const composer = bob.page.getByTestId('comment-composer-input');
    await expect(composer).toBeFocused();
    await composer.fill('Do we need this?');
    await bob.page.getByTestId('comment-composer-submit').click();
    await expect(carolPanel.getByTestId('comment-thread')).toHaveCount(1);
    await carol.select('Second paragraph to delete.');
    await carol.page.keyboard.press('Backspace');
    for (const panel of [alicePanel, bobPanel, carolPanel]) {
      const card = panel.getByTestId('comment-thread');
      await expect(card.getByTestId('comment-deleted')).toHaveText('On deleted text');
      await expect(card.getByTestId('comment-quote')).toContainText('Second paragraph to delete.');
    }

    // Alice comments while offline; the others see it once she is back.
    await alice.network.disconnect();
    await expect(alice.status).toHaveAttribute('data-connection', 'offline');
    await alice.select('Closing');
    await commentOnSelection(alice, 'Written while offline');
    await expect(alicePanel.getByTestId('comment-thread')).toHaveCount(2);
    await expect(bobPanel.getByTestId('comment-thread')).toHaveCount(1);
    await alice.network.restore();
    await alice.waitSaved(15_000);
    await expect(bobPanel.getByTestId('comment-thread').filter({ hasText: 'Written while offline' })).toHaveCount(1);
    await expect.poll(() => highlightedText(carol.page)).toBe('Closing');

    // Everything is stored: after a reload the threads, replies and resolution are all there.
    await expect(bobPanel.getByTestId('comment-new')).toHaveCount(0);
    await bob.waitSaved();
    await bob.reload();
    await expect.poll(() => highlightedText(bob.page)).toBe('Closing');
    const reloaded = await openPanel(bob.page);
    await expect(reloaded.getByTestId('comment-thread')).toHaveCount(2);
    await reloaded.getByTestId('comments-filter-all').click();
    await expect(reloaded.getByTestId('comment-thread')).toHaveCount(3);
    await expect(reloaded.getByTestId('comment-message')).toHaveCount(4);
    await expect(reloaded.getByText('(edited)')).toHaveCount(1);
    // What Bob had seen stays seen in this browser.
    await expect(reloaded.getByTestId('comment-new')).toHaveCount(0);
  });
});

test.describe('comments by keyboard and on a phone', () => {
  test('Escape cancels a new comment and closes the panel; on a phone the panel is a sheet at the bottom', async ({
    alice,
    docId,
  }) => {
    await alice.open(docId);
    await alice.typeText('A short note about the launch.');
    await alice.select('launch');
    await alice.page.keyboard.press('Control+Alt+m');
    const panel = alice.page.getByRole('region', { name: 'Comments' });
    const input = alice.page.getByTestId('comment-composer-input');
    await expect(input).toBeFocused();
    await expect.poll(() => highlightedText(alice.page)).toBe('launch');
    await input.fill('Which date?');
    await expectNoSeriousViolations(alice.page, 'comments panel with a new comment');
    await input.press('Escape');
    await expect(input).toHaveCount(0);
    await expect(highlight(alice.page)).toHaveCount(0);
    await expect(alice.editor).toBeFocused();
    await expect(panel).toBeVisible();

    // A posted thread, then Escape in the panel closes it and hands focus back to the text.
    await alice.select('short note');
    await alice.page.keyboard.press('Control+Alt+m');
    await input.fill('Shorter still?');
    await input.press('Enter');
    await expect(panel.getByTestId('comment-thread')).toHaveCount(1);
    await panel.getByTestId('comments-filter-all').focus();
    await alice.page.keyboard.press('Escape');
    await expect(panel).toHaveCount(0);
    await expect(alice.editor).toBeFocused();

    await alice.page.setViewportSize({ width: 390, height: 844 });
    await alice.page.getByTestId('open-comments').click();
    await expect(panel.getByTestId('comment-thread')).toHaveCount(1);
    const box = (await panel.boundingBox())!;
    expect(box.width).toBe(390);
    expect(box.y + box.height).toBeCloseTo(844, 0);
    expect(box.height).toBeLessThan(844 * 0.7);
    await expectNoSeriousViolations(alice.page, 'comments sheet on a phone');
  });
});

test.describe('comments with access links', () => {
  const SECRET = 'e2e-secret-e2e-secret-e2e-secret-e2e-0123';
  let server: TandemServer;
  test.beforeAll(async () => {
    server = await TandemServer.start({ TANDEM_AUTH_SECRET: SECRET });
  });
  test.afterAll(async () => server.stop());

  test('a viewer sees threads and highlights but nothing to write with', async ({ browser }) => {
    const editorContext = await browser.newContext();
    const editor = await editorContext.newPage();
    await editor.goto(
      `${server.url}/auth#token=${encodeURIComponent(await mintToken(SECRET, 'Ana', { memo: 'editor' }))}&doc=memo`,
    );
    await expect(editor.getByTestId('connection-status')).toHaveAttribute('data-connection', 'synced');
    await editor.getByTestId('editor').click();
    await editor.keyboard.type('Please review this memo.');
    await editor.keyboard.press('Shift+Home');
    await editor.getByTestId('comment-bubble').click();
    await editor.getByTestId('comment-composer-input').fill('Looks fine to me');
    await editor.getByTestId('comment-composer-input').press('Enter');
    await expect(editor.getByTestId('comment-thread')).toHaveCount(1);
    await expect(editor.getByTestId('comment-author')).toHaveText(['Ana']);

    const viewerContext = await browser.newContext();
    const viewer = await viewerContext.newPage();
    await viewer.goto(
      `${server.url}/auth#token=${encodeURIComponent(await mintToken(SECRET, 'Vic', { memo: 'viewer' }))}&doc=memo`,
    );
    await expect(viewer.getByTestId('view-only')).toBeVisible();
    await expect.poll(() => docText(viewer)).toBe('Please review this memo.');
    await expect
      .poll(async () => (await highlight(viewer).allTextContents()).join(''))
      .toBe('Please review this memo.');
    const panel = await openPanel(viewer);
    await expect(panel.getByTestId('comment-thread')).toContainText('Looks fine to me');
    await expect(panel.getByTestId('comment-reply-input')).toHaveCount(0);
    await expect(panel.getByTestId('comment-resolve')).toHaveCount(0);
    await expect(panel.getByTestId('comment-delete')).toHaveCount(0);
    // Nothing starts a new thread: not the shortcut, not the toolbar, not a bubble.
    await viewer.getByTestId('editor').click();
    await viewer.keyboard.press('Control+a');
    await expect(viewer.getByTestId('comment-bubble')).toHaveCount(0);
    await viewer.keyboard.press('Control+Alt+m');
    await expect(viewer.getByTestId('comment-composer-input')).toHaveCount(0);
    await expect(viewer.getByTestId('tool-comment')).toHaveAttribute('aria-disabled', 'true');
    await editorContext.close();
    await viewerContext.close();
  });
});
