import { expect, test } from '../fixtures/index.js';

test('Ctrl+/ opens the keyboard shortcuts, Escape closes them and focus goes back to the text', async ({
  alice,
  docId,
}) => {
  await alice.open(docId);
  await alice.typeText('Hello');
  await alice.page.keyboard.press('ControlOrMeta+/');
  const sheet = alice.page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(sheet).toBeVisible();
  // The same table as the keymap: bold, headings, task ticking, history and the sheet itself.
  for (const label of ['Bold', 'Heading 1', 'Version history', 'Keyboard shortcuts', 'Undo your last change'])
    await expect(sheet.getByTestId('shortcut-row').filter({ hasText: label }).first()).toBeVisible();
  await expect(sheet.locator('kbd[data-key="Mod-Enter"]')).toBeVisible();
  await alice.page.keyboard.press('Escape');
  await expect(sheet).toBeHidden();
  await expect(alice.editor).toBeFocused();
  await alice.page.keyboard.type(' again');
  await alice.expectText('Hello again');
});

test('the ⋯ menu opens the shortcuts too, and closing them returns focus to that menu’s button', async ({
  alice,
  docId,
}) => {
  await alice.open(docId);
  await alice.page.getByTestId('doc-menu').click();
  await alice.page.getByTestId('menu-shortcuts').click();
  const sheet = alice.page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(sheet).toBeVisible();
  await sheet.getByRole('button', { name: 'Close' }).click();
  await expect(sheet).toBeHidden();
  await expect(alice.page.getByTestId('doc-menu')).toBeFocused();
});

test('task checkboxes are named by their task, follow edits, and Ctrl+Enter ticks the task at the cursor', async ({
  alice,
  bob,
  docId,
}) => {
  await alice.open(docId);
  await bob.open(docId);
  await alice.typeText('[ ] Buy milk\nCall Sam');
  const boxes = alice.editor.getByRole('checkbox');
  await expect(boxes).toHaveCount(2);
  await expect(alice.editor.getByRole('checkbox', { name: 'Buy milk' })).toBeVisible();
  await expect(alice.editor.getByRole('checkbox', { name: 'Call Sam' })).toBeVisible();
  // Not a Tab stop each: a long list would take as many presses.
  for (let i = 0; i < 2; i++) await expect(boxes.nth(i)).toHaveAttribute('tabindex', '-1');

  // The name follows edits, including another person's.
  await bob.editor.getByRole('checkbox', { name: 'Call Sam' }).waitFor();
  await bob.typeText(' today');
  await expect(alice.editor.getByRole('checkbox', { name: 'Call Sam today' })).toBeVisible();

  // The caret is in "Call Sam today": Ctrl/⌘+Enter ticks it, for everyone, and unticks it again.
  await alice.editor.focus();
  await alice.moveCaret('Control+End');
  await alice.page.keyboard.press('ControlOrMeta+Enter');
  await expect(alice.editor.getByRole('checkbox', { name: 'Call Sam today' })).toBeChecked();
  await expect(bob.editor.getByRole('checkbox', { name: 'Call Sam today' })).toBeChecked();
  await expect(alice.editor.getByRole('checkbox', { name: 'Buy milk' })).not.toBeChecked();
  // Ticking, not a line break.
  await expect(alice.editor.locator('[data-type="task-item"] br:not(.ProseMirror-trailingBreak)')).toHaveCount(0);
  await alice.page.keyboard.press('ControlOrMeta+Enter');
  await expect(bob.editor.getByRole('checkbox', { name: 'Call Sam today' })).not.toBeChecked();
});
