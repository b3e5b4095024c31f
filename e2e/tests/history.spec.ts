import type { Locator, Page } from '@playwright/test';
import { expect, expectConverged, test, type DocPage } from '../fixtures/index.js';

/** One person's version history panel, through its `data-testid`s. */
class HistoryPanel {
  readonly page: Page;
  readonly panel: Locator;
  readonly preview: Locator;
  readonly compare: Locator;
  readonly status: Locator;

  constructor(readonly user: DocPage) {
    this.page = user.page;
    this.panel = this.page.getByTestId('history-panel');
    this.preview = this.panel.getByTestId('history-preview');
    this.compare = this.panel.getByTestId('history-compare');
    this.status = this.panel.getByTestId('history-status');
  }

  /** A version in the list by its name. */
  version(name: string): Locator {
    return this.panel.locator(`[data-testid="history-version"][data-name="${name}"]`);
  }

  /** Versions of one kind ("auto", "named", "restore-point"). */
  ofKind(kind: string): Locator {
    return this.panel.locator(`[data-testid="history-version"][data-kind="${kind}"]`);
  }

  button(id: 'restore' | 'restore-block' | 'name' | 'copy' | 'close'): Locator {
    return this.panel.getByTestId(`history-${id}`);
  }

  /** Opens the panel with its shortcut (Mod-Alt-Shift-H) from the editor. */
  async open(): Promise<void> {
    await this.user.editor.focus();
    await this.page.keyboard.press('ControlOrMeta+Alt+Shift+KeyH');
    await expect(this.panel, `${this.user.name}'s history panel`).toBeVisible();
  }

  async close(): Promise<void> {
    await this.button('close').click();
    await expect(this.panel).toBeHidden();
  }

  /** Names the live document's current state. */
  async nameCurrent(name: string): Promise<void> {
    await this.panel.getByTestId('history-current').click();
    await this.button('name').click();
    await this.panel.getByTestId('history-name-input').fill(name);
    await this.panel.getByTestId('history-name-save').click();
    await expect(this.version(name)).toBeVisible();
  }
}

test.describe('version history', () => {
  test.beforeEach(async ({ alice, bob, docId }) => {
    await alice.open(docId);
    await bob.open(docId);
  });

  test('a version named by one person is previewed, compared and restored by another, and the restore undone', async ({
    alice,
    bob,
  }) => {
    await alice.typeText('alpha');
    await alice.waitSaved();
    const alices = new HistoryPanel(alice);
    await alices.open();
    await alices.nameCurrent('v1');
    await alices.close();
    await alice.typeText('\nbeta');
    await bob.expectText('alpha\nbeta');
    await alice.waitSaved();

    const history = new HistoryPanel(bob);
    await history.open();
    await expect(history.version('v1')).toBeVisible();
    await history.version('v1').click();
    await expect(history.preview).toHaveText('alpha');
    await expect(history.preview).not.toContainText('beta');

    // Compared with the current document, the later change shows highlighted.
    await history.compare.selectOption('current');
    await expect(history.preview.locator('[data-change="added"]')).toHaveText('beta');
    await expect(history.preview).toContainText('alpha');

    await history.button('restore').click();
    // Both see v1's content within a second, without reloading.
    await alice.expectText('alpha', 1_000);
    await bob.expectText('alpha', 1_000);
    await expect(history.status).toContainText('Restored “v1”');

    // The state before the restore is kept, and restoring it brings "beta" back.
    await expect(history.ofKind('restore-point')).toHaveCount(1);
    await history.ofKind('restore-point').click();
    await expect(history.preview).toContainText('beta');
    await history.button('restore').click();
    await alice.expectText('alpha\nbeta', 1_000);
    await bob.expectText('alpha\nbeta', 1_000);
    await expect(history.ofKind('restore-point')).toHaveCount(2);

    await history.close();
    await expectConverged([alice, bob]);
    // Typing goes on as usual after restores, for both.
    await bob.typeText(' again');
    await alice.expectText('alpha\nbeta again');
    await alice.waitSaved();
    await bob.waitSaved();
  });

  test('undo right after a restore takes back exactly the restore, for whoever restored, and nothing more', async ({
    alice,
    bob,
  }) => {
    await alice.typeText('alpha\nbeta');
    await alice.waitSaved();
    const history = new HistoryPanel(alice);
    await history.open();
    await history.nameCurrent('both');
    await history.close();
    // Alice deletes "beta" herself (an undoable step of hers), then restores the version that has it.
    await alice.select('beta');
    await alice.page.keyboard.press('Backspace');
    await bob.expectText('alpha\n');
    await alice.waitSaved();

    await history.open();
    await history.version('both').click();
    await history.button('restore').click();
    await expect(history.status).toContainText('Restored “both”');
    await alice.expectText('alpha\nbeta', 1_000);
    await history.close();

    // One undo: exactly the document before the restore, for everyone; nothing doubled.
    await alice.editor.focus();
    await alice.page.keyboard.press('ControlOrMeta+KeyZ');
    await alice.expectText('alpha\n');
    await bob.expectText('alpha\n');
    // Redo brings the restore back; the next undos go on through Alice's own earlier edits.
    await alice.page.keyboard.press('ControlOrMeta+Shift+KeyZ');
    await alice.expectText('alpha\nbeta');
    await alice.page.keyboard.press('ControlOrMeta+KeyZ');
    await alice.expectText('alpha\n');
    await alice.page.keyboard.press('ControlOrMeta+KeyZ');
    await alice.expectText('alpha\nbeta');
    await expectConverged([alice, bob]);
    await alice.waitSaved();
  });

  test('the previewer is told when the live document changes meanwhile', async ({ alice, bob }) => {
    await alice.typeText('first');
    await alice.waitSaved();
    const history = new HistoryPanel(bob);
    await history.open();
    await history.nameCurrent('start');
    await history.version('start').click();
    await expect(history.preview).toHaveText('first');

    await alice.typeText(' and more');
    await expect(history.panel.getByTestId('history-live-changed')).toBeVisible();
    await history.panel.getByTestId('history-refresh').click();
    await expect(history.panel.getByTestId('history-live-changed')).toBeHidden();
    await alice.waitSaved();
  });

  test('one paragraph can be restored on its own, leaving the rest as it is now', async ({ alice, bob }) => {
    await alice.typeText('intro\nthe careful wording\noutro');
    await alice.waitSaved();
    const history = new HistoryPanel(bob);
    await history.open();
    await history.nameCurrent('before');
    await history.close();

    await alice.select('careful');
    await alice.page.keyboard.type('hasty');
    await alice.typeText(' extended');
    await bob.expectText('intro\nthe hasty wording\noutro extended');
    await alice.waitSaved();

    await history.open();
    await history.version('before').click();
    await history.preview.getByText('the careful wording').click();
    await history.button('restore-block').click();
    await alice.expectText('intro\nthe careful wording\noutro extended', 1_000);
    await bob.expectText('intro\nthe careful wording\noutro extended', 1_000);
  });

  test('after naming or restoring, focus stays in the panel, and Escape closes it back to the button that opened it', async ({
    alice,
  }) => {
    await alice.typeText('one');
    await alice.waitSaved();
    const history = new HistoryPanel(alice);
    const opener = alice.page.getByTestId('open-history');
    await opener.click();
    await expect(history.panel).toBeVisible();

    // Naming by keyboard: focus lands on the new version, which is then the one shown.
    await history.button('name').focus();
    await alice.page.keyboard.press('Enter');
    await expect(history.panel.getByTestId('history-name-input')).toBeFocused();
    await alice.page.keyboard.type('first draft');
    await alice.page.keyboard.press('Enter');
    await expect(history.version('first draft')).toBeFocused();
    await expect(history.version('first draft')).toHaveAttribute('aria-selected', 'true');
    await expect(history.status).toHaveText('Named “first draft”.');
    await alice.page.keyboard.press('Escape');
    await expect(history.panel).toBeHidden();
    await expect(opener).toBeFocused();

    await alice.typeText(' two');
    await alice.waitSaved();
    await opener.click();
    await history.version('first draft').click();
    await history.button('restore').focus();
    await alice.page.keyboard.press('Enter');
    await alice.expectText('one');
    // Focus is on what the restore says, not lost to the page.
    await expect(history.status).toBeFocused();
    await expect(history.status).toContainText('Restored “first draft”');
    await alice.page.keyboard.press('Escape');
    await expect(history.panel).toBeHidden();
    await expect(opener).toBeFocused();
  });

  test('the preview shows task lists with their checkboxes as they were, read-only', async ({ alice }) => {
    const imported = await alice.page.request.post('/api/docs/import', {
      data: '# Launch\n\n- [x] Write the notes\n- [ ] Send the invites\n',
    });
    expect(imported.status()).toBe(201);
    const { id } = (await imported.json()) as { id: string };
    expect((await alice.page.request.post(`/api/docs/${id}/versions`, { data: { name: 'plan' } })).status()).toBe(201);
    await alice.open(id);
    const history = new HistoryPanel(alice);
    await history.open();
    await history.version('plan').click();
    const boxes = history.preview.getByRole('checkbox');
    await expect(boxes).toHaveCount(2);
    await expect(history.preview.getByRole('checkbox', { name: 'Write the notes' })).toBeChecked();
    await expect(history.preview.getByRole('checkbox', { name: 'Send the invites' })).not.toBeChecked();
    await expect(boxes.first()).toBeDisabled();
  });

  test('the panel is driven from the keyboard', async ({ alice }) => {
    await alice.typeText('one');
    await alice.waitSaved();
    const history = new HistoryPanel(alice);
    await history.open();
    await history.nameCurrent('first');
    await history.close();
    await alice.typeText(' two');
    await alice.waitSaved();

    await history.open();
    // Focus starts on the selected entry (the current version); arrows move through the list.
    await expect(history.panel.getByTestId('history-current')).toBeFocused();
    await alice.page.keyboard.press('ArrowDown');
    await expect(history.version('first')).toBeFocused();
    await expect(history.version('first')).toHaveAttribute('aria-selected', 'true');
    await expect(history.preview).toHaveText('one');
    await alice.page.keyboard.press('Escape');
    await expect(history.panel).toBeHidden();
  });
});

test.describe('version history on a phone', () => {
  test('shows the list or the preview, one at a time, with a way back, by touch or keyboard', async ({
    alice,
    docId,
  }) => {
    await alice.page.setViewportSize({ width: 390, height: 844 });
    await alice.open(docId);
    await alice.typeText('first words');
    await alice.waitSaved();
    const history = new HistoryPanel(alice);
    await history.open();
    const list = history.panel.getByTestId('history-list');
    const back = history.panel.getByTestId('history-back');
    await expect(history.preview).toBeHidden();

    // Choosing an entry shows its preview in place of the list, never under it.
    await history.panel.getByTestId('history-current').click();
    await expect(history.preview).toBeVisible();
    await expect(list).toBeHidden();
    await expect(back).toBeFocused();
    await expect(history.preview).toHaveText('first words');
    await history.button('name').click();
    await history.panel.getByTestId('history-name-input').fill('draft');
    await alice.page.keyboard.press('Enter');
    await expect(history.status).toBeFocused();
    await expect(history.panel.getByTestId('history-preview-title')).toContainText('draft');
    await alice.page.screenshot({ path: test.info().outputPath('phone-preview.png') });

    // Back to the list, focus on the chosen version; arrows move without leaving the list, Enter opens.
    await back.press('Enter');
    await expect(list).toBeVisible();
    await expect(history.preview).toBeHidden();
    await expect(history.version('draft')).toBeFocused();
    await alice.page.screenshot({ path: test.info().outputPath('phone-list.png') });
    await alice.page.keyboard.press('ArrowUp');
    await expect(history.panel.getByTestId('history-current')).toBeFocused();
    await expect(list).toBeVisible();
    await alice.page.keyboard.press('Enter');
    await expect(history.preview).toBeVisible();
    await expect(list).toBeHidden();
    await alice.page.keyboard.press('Escape');
    await expect(history.panel).toBeHidden();
  });
});

test.describe('version history of a long document', () => {
  // A small diff limit, so a few hundred paragraphs are enough to reach it.
  test.use({ isolatedServer: true, serverEnv: { MAX_DIFF_BYTES: '16384' } });

  test('a large comparison hides unchanged paragraphs or is cut, says so, and still restores the right block', async ({
    alice,
  }) => {
    const paragraphs = Array.from({ length: 400 }, (_, i) => `Paragraph ${i} of the long report.`);
    const imported = await alice.page.request.post('/api/docs/import', { data: paragraphs.join('\n\n') });
    expect(imported.status()).toBe(201);
    const { id } = (await imported.json()) as { id: string };
    expect((await alice.page.request.post(`/api/docs/${id}/versions`, { data: { name: 'v1' } })).status()).toBe(201);
    await alice.open(id);
    await alice.select('Paragraph 200');
    await alice.page.keyboard.press('ArrowRight');
    await alice.page.keyboard.type(', now revised,');
    await alice.waitSaved();

    const history = new HistoryPanel(alice);
    await history.open();
    await history.version('v1').click();
    // Against the empty document before it, every paragraph is a change: nothing to hide, so the end is cut.
    const truncated = history.panel.getByTestId('history-truncated');
    await expect(truncated).toContainText(
      /too large to show whole: its last \d+ paragraphs, with \d+ changes, are not shown/,
    );
    await expect(truncated).toContainText('Copy this version as a new document to read all of it.');
    await expect(history.preview.getByTestId('history-truncated-end')).toBeVisible();
    await expect(history.preview).toContainText('Paragraph 0 of the long report.');
    await expect(history.preview).not.toContainText('Paragraph 399');
    await alice.page.screenshot({ path: test.info().outputPath('truncated.png') });

    await history.compare.selectOption('current');
    await expect(truncated).toBeHidden();
    const hidden = history.preview.getByTestId('history-hidden');
    await expect(hidden).toHaveText(['197 unchanged paragraphs hidden', '196 unchanged paragraphs hidden']);
    await expect(history.panel.getByTestId('history-stats')).toContainText('393 unchanged paragraphs are hidden');
    await expect(history.preview.locator('[data-change="added"]').first()).toBeVisible();
    await expect(history.preview).toContainText('Paragraph 200, now revised, of the long report.');
    await alice.page.screenshot({ path: test.info().outputPath('hidden-runs.png') });

    // Paragraph 200 is the fourth shown, yet v1's block 200: restoring it puts the old wording back.
    await history.preview.getByText('Paragraph 200').click();
    await history.button('restore-block').click();
    await expect(history.status).toContainText('Restored one block');
    await history.close();
    await expect(alice.editor).toContainText('Paragraph 200 of the long report.');
    await expect(alice.editor).not.toContainText('revised');
    await expect(alice.editor).toContainText('Paragraph 399 of the long report.');
  });
});
