import { expect, expectConverged, test } from '../fixtures/index.js';
import type { DocPage } from '../fixtures/DocPage.js';
import { TandemServer } from '../fixtures/TandemServer.js';
import { docText, mintToken } from '../fixtures/tokens.js';

/** The text `user`'s editor has selected. */
function selectedText(user: DocPage): Promise<string> {
  return user.page.evaluate(() => window.getSelection()?.toString() ?? '');
}

/** Where `user`'s selection starts, as a character offset into the editor's text. */
function selectionOffset(user: DocPage): Promise<number> {
  return user.editor.evaluate((root) => {
    const selection = window.getSelection();
    if (!selection?.rangeCount) return -1;
    const range = document.createRange();
    range.setStart(root, 0);
    const r = selection.getRangeAt(0);
    range.setEnd(r.startContainer, r.startOffset);
    return range.toString().length;
  });
}

test.describe('find and replace', () => {
  test.beforeEach(async ({ alice, bob, docId }) => {
    await alice.open(docId);
    await bob.open(docId);
  });

  test('Ctrl+F opens the find bar with a count, and Enter, Shift+Enter, F3 and the buttons move between matches', async ({
    alice,
    bob,
  }) => {
    await alice.typeText('one fish two fish\nred fish blue fish');
    await bob.expectText('one fish two fish\nred fish blue fish');
    await alice.moveCaret('Control+Home');
    await alice.page.keyboard.press('Control+f');
    const input = alice.page.getByTestId('find-input');
    await expect(input).toBeFocused();
    await alice.page.keyboard.type('fish');
    const count = alice.page.getByTestId('find-count');
    await expect(count).toHaveText('1 of 4');
    // Every match highlighted; the current one differently.
    await expect(alice.editor.locator('.ProseMirror-search-match')).toHaveCount(3);
    await expect(alice.editor.locator('.ProseMirror-active-search-match')).toHaveCount(1);

    await alice.page.keyboard.press('Enter');
    await expect(count).toHaveText('2 of 4');
    await alice.page.keyboard.press('F3');
    await expect(count).toHaveText('3 of 4');
    await alice.page.keyboard.press('Shift+Enter');
    await expect(count).toHaveText('2 of 4');
    await alice.page.getByTestId('find-previous').click();
    await expect(count).toHaveText('1 of 4');
    await alice.page.getByTestId('find-previous').click();
    await expect(count, 'previous wraps to the last match').toHaveText('4 of 4');
    await alice.page.getByTestId('find-next').click();
    await expect(count).toHaveText('1 of 4');

    // Matches follow what others type.
    await bob.typeText(' more fish');
    await expect(count).toHaveText('1 of 5');

    // Escape closes the bar; the text has focus with the match selected.
    await alice.page.getByTestId('find-next').click();
    await expect(count).toHaveText('2 of 5');
    await input.focus();
    await alice.page.keyboard.press('Escape');
    await expect(alice.page.getByTestId('find-bar')).toBeHidden();
    await expect(alice.editor).toBeFocused();
    await expect(alice.editor.locator('.ProseMirror-search-match, .ProseMirror-active-search-match')).toHaveCount(0);
    expect(await selectedText(alice)).toBe('fish');
    expect(await selectionOffset(alice)).toBe('one fish two '.length);
  });

  test('match case and whole word narrow the matches', async ({ alice }) => {
    await alice.typeText('Cat cat concatenate CAT cats');
    await alice.page.keyboard.press('Control+f');
    await alice.page.keyboard.type('cat');
    const count = alice.page.getByTestId('find-count');
    await expect(count).toHaveText(/of 5$/);
    await alice.page.getByTestId('find-case').check();
    await expect(count).toHaveText(/of 3$/);
    await alice.page.getByTestId('find-whole-word').check();
    await expect(count).toHaveText(/of 1$/);
    await alice.page.getByTestId('find-case').uncheck();
    await expect(count).toHaveText(/of 3$/);
    await alice.page.getByTestId('find-input').fill('dog');
    await expect(count).toHaveText('No matches');
  });

  test('Replace all is one change: one Ctrl+Z brings every occurrence back, for both people', async ({
    alice,
    bob,
  }) => {
    await alice.typeText('colour and colour\nmore colour here');
    await bob.expectText('colour and colour\nmore colour here');
    await alice.page.keyboard.press('Control+h');
    await expect(alice.page.getByTestId('find-input')).toBeFocused();
    await alice.page.keyboard.type('colour');
    await expect(alice.page.getByTestId('find-count')).toHaveText(/of 3$/);
    await alice.page.getByTestId('replace-input').fill('color');
    await alice.page.getByTestId('replace-all').click();
    await bob.expectText('color and color\nmore color here');
    await expect(alice.page.getByTestId('find-count')).toHaveText('No matches');
    await expect(alice.page.getByTestId('replace-all'), 'focus stays on the button').toBeFocused();

    await alice.page.keyboard.press('Escape');
    await expect(alice.editor).toBeFocused();
    await alice.page.keyboard.press('Control+z');
    await bob.expectText('colour and colour\nmore colour here');
    await alice.expectText('colour and colour\nmore colour here');
    await expectConverged([alice, bob]);
  });

  test('Replace changes the current match and moves to the next', async ({ alice, bob }) => {
    await alice.typeText('a1 a1 a1');
    await alice.moveCaret('Control+Home');
    await alice.page.keyboard.press('Control+h');
    await alice.page.keyboard.type('a1');
    await expect(alice.page.getByTestId('find-count')).toHaveText('1 of 3');
    await alice.page.getByTestId('replace-input').fill('b2');
    await alice.page.getByTestId('replace-one').click();
    await bob.expectText('b2 a1 a1');
    await expect(alice.page.getByTestId('find-count')).toHaveText('1 of 2');
    await alice.page.getByTestId('replace-input').press('Enter');
    await bob.expectText('b2 b2 a1');
  });
});

test.describe('find for someone who may only view', () => {
  const SECRET = 'e2e-secret-e2e-secret-e2e-secret-e2e-0123';
  let server: TandemServer;
  test.beforeAll(async () => {
    server = await TandemServer.start({ TANDEM_AUTH_SECRET: SECRET });
  });
  test.afterAll(async () => server.stop());

  test('a viewer finds and steps through matches, but is offered no replace', async ({ browser }) => {
    const editorContext = await browser.newContext();
    const editor = await editorContext.newPage();
    await editor.goto(
      `${server.url}/auth#token=${encodeURIComponent(await mintToken(SECRET, 'Ana', { memo: 'editor' }))}&doc=memo`,
    );
    await editor.getByTestId('editor').click();
    await editor.keyboard.type('note one, note two');
    await expect(editor.getByTestId('connection-status')).toHaveAttribute('data-save', 'saved');

    const viewerContext = await browser.newContext();
    const viewer = await viewerContext.newPage();
    await viewer.goto(
      `${server.url}/auth#token=${encodeURIComponent(await mintToken(SECRET, 'Vic', { memo: 'viewer' }))}&doc=memo`,
    );
    await expect(viewer.getByTestId('view-only')).toBeVisible();
    await expect.poll(() => docText(viewer)).toBe('note one, note two');
    await viewer.getByTestId('editor').click();
    await viewer.keyboard.press('Control+h');
    await expect(viewer.getByTestId('find-input')).toBeFocused();
    await viewer.keyboard.type('note');
    await expect(viewer.getByTestId('find-count')).toHaveText(/of 2$/);
    await viewer.keyboard.press('Enter');
    await expect(viewer.getByTestId('find-count')).toHaveText(/^\d of 2$/);
    await expect(viewer.getByTestId('replace-input')).toHaveCount(0);
    await expect(viewer.getByTestId('replace-all')).toHaveCount(0);
    await expect(viewer.getByTestId('find-show-replace')).toHaveCount(0);
    await Promise.all([editorContext.close(), viewerContext.close()]);
  });
});
