import { expect, test, type DocPage } from '../fixtures/index.js';

/** A document's row in the home list. */
function listItem(user: DocPage, id: string) {
  return user.page.getByTestId('doc-list').locator(`[data-testid="doc-item"][data-doc-id="${id}"]`);
}

/** A document's row on the Trash page. */
function trashItem(user: DocPage, id: string) {
  return user.page.getByTestId('trash-list').locator(`[data-testid="trash-item"][data-doc-id="${id}"]`);
}

test('a document deleted from the home page is restored from Trash with its content and its history', async ({
  alice,
  bob,
  request,
  server,
  docId,
}) => {
  await alice.open(docId);
  await alice.typeText('Plans for the spring');
  await alice.waitSaved();
  const named = await request.post(`${server.url}/api/docs/${docId}/versions`, { data: { name: 'First draft' } });
  expect(named.status()).toBe(201);
  await alice.typeText('\nand the summer');
  await alice.waitSaved();
  await request.patch(`${server.url}/api/docs/${docId}`, { data: { title: 'Seasons' } });
  await bob.open(docId);

  // Deleted from the home page: it leaves the list, and the person who has it open is told and stops.
  await alice.page.goto('/');
  await listItem(alice, docId).getByTestId('delete').click();
  const dialog = alice.page.getByTestId('confirm-dialog');
  await expect(dialog).toContainText('Trash');
  await dialog.getByTestId('confirm').click();
  await expect(listItem(alice, docId)).toHaveCount(0);
  await expect(alice.page.getByTestId('trashed-notice')).toContainText('“Seasons” was moved to Trash.');

  await expect(bob.page.getByTestId('doc-in-trash')).toBeVisible();
  await expect(bob.status).toHaveText('In Trash');
  await expect(bob.editor).toHaveAttribute('contenteditable', 'false');
  await expect(bob.page.getByTestId('doc-menu')).toHaveCount(0);
  await expect(bob.page.getByTestId('open-history')).toBeDisabled();
  await expect(bob.page.getByTestId('open-share')).toBeDisabled();

  // In Trash, with who deleted it and how long it has left; restored from there by keyboard.
  await alice.page.getByTestId('open-trash').click();
  await expect(alice.page).toHaveURL(/\/trash$/);
  const item = trashItem(alice, docId);
  await expect(item).toContainText('Seasons');
  await expect(item).toContainText(/Deleted (now|\d+ seconds? ago) · 30 days left/);
  await item.getByRole('button', { name: 'Restore: Seasons' }).focus();
  await alice.page.keyboard.press('Enter');
  await expect(item).toHaveCount(0);
  await expect(alice.page.getByTestId('trash-empty')).toBeVisible();
  await alice.page.getByTestId('open-restored').click();
  await alice.waitLoaded();
  await alice.expectText('Plans for the spring\nand the summer');
  await expect(alice.title).toHaveValue('Seasons');

  // Its history came back with it.
  await alice.page.getByTestId('open-history').click();
  const panel = alice.page.getByTestId('history-panel');
  await expect(panel.locator('[data-testid="history-version"][data-name="First draft"]')).toBeVisible();
  await panel.locator('[data-testid="history-version"][data-name="First draft"]').click();
  await expect(panel.getByTestId('history-preview')).toHaveText('Plans for the spring');
  await alice.page.screenshot({ path: test.info().outputPath('restored-with-history.png') });
});

test('someone with a document open when it goes to Trash restores it from the banner and goes on editing', async ({
  alice,
  bob,
  request,
  server,
  docId,
}) => {
  await alice.open(docId);
  await bob.open(docId);
  await alice.typeText('Shared notes');
  await bob.expectText('Shared notes');
  await alice.waitSaved();
  await alice.page.getByTestId('open-history').click();
  await expect(alice.page.getByTestId('history-panel')).toBeVisible();

  expect((await request.delete(`${server.url}/api/docs/${docId}`)).status()).toBe(200);
  for (const user of [alice, bob]) {
    await expect(user.page.getByTestId('doc-in-trash')).toContainText('This document is in Trash');
    await expect(user.status).toHaveText('In Trash');
  }
  // History, which reads the document over HTTP, closes: there is nothing to read until it is restored.
  await expect(alice.page.getByTestId('history-panel')).toHaveCount(0);
  await bob.page.screenshot({ path: test.info().outputPath('in-trash-banner.png') });

  await bob.page.getByTestId('restore-doc').click();
  await expect(bob.page.getByTestId('doc-in-trash')).toHaveCount(0);
  await expect(bob.status).toHaveAttribute('data-connection', 'synced');
  await bob.typeText(' and more');
  await bob.waitSaved();
  // The other page stopped for good until it is opened again: then it sees everything.
  await expect(alice.editor).toHaveAttribute('contenteditable', 'false');
  await alice.reload();
  await alice.expectText('Shared notes and more');
});

test('opening the address of a document in Trash offers to restore it, instead of starting an empty one', async ({
  alice,
  bob,
  request,
  server,
  docId,
}) => {
  await alice.open(docId);
  await alice.typeText('Worth keeping');
  await alice.waitSaved();
  await request.patch(`${server.url}/api/docs/${docId}`, { data: { title: 'Kept notes' } });
  expect((await request.delete(`${server.url}/api/docs/${docId}`)).status()).toBe(200);
  await expect(alice.page.getByTestId('doc-in-trash')).toBeVisible();

  // Someone without a copy of it opens the old address.
  await bob.page.goto(`/d/${docId}`);
  await expect(bob.docError).toHaveAttribute('data-code', 'DOCUMENT_IN_TRASH');
  await expect(bob.docError).toContainText('This document is in Trash. Restore it to open it again.');
  await expect(bob.status).toHaveText('In Trash');
  await expect(bob.page).toHaveTitle('Kept notes — Tandem');
  await expect(bob.page.getByTestId('recreate')).toHaveCount(0);
  await expect(bob.editor).toHaveCount(0);
  // Opening it did not bring it back, nor make a new one.
  expect((await request.get(`${server.url}/api/docs/${docId}`)).status()).toBe(404);
  expect((await request.post(`${server.url}/api/docs`, { data: { id: docId } })).status()).toBe(409);

  await bob.page.getByTestId('restore-doc').click();
  await bob.waitLoaded();
  await bob.expectText('Worth keeping');
  const list = await request.get(`${server.url}/api/trash`);
  expect(((await list.json()) as { documents: { id: string }[] }).documents.map((d) => d.id)).not.toContain(docId);
});

test('Trash deletes forever only after asking, and fits a phone in dark mode', async ({
  alice,
  request,
  server,
  docId,
}) => {
  await request.post(`${server.url}/api/docs`, { data: { id: docId } });
  await request.patch(`${server.url}/api/docs/${docId}`, { data: { title: 'Old memo' } });
  await request.delete(`${server.url}/api/docs/${docId}`);
  await alice.page.setViewportSize({ width: 390, height: 844 });
  await alice.page.emulateMedia({ colorScheme: 'dark' });
  await alice.page.goto('/trash');
  const item = trashItem(alice, docId);
  const forever = item.getByRole('button', { name: 'Delete forever: Old memo' });
  await expect(forever).toBeVisible();
  // Nothing spills sideways at phone width.
  expect(await alice.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await alice.page.screenshot({ path: test.info().outputPath('trash-phone-dark.png'), fullPage: true });

  await forever.click();
  const dialog = alice.page.getByTestId('confirm-dialog');
  await expect(dialog).toContainText('Delete “Old memo” forever?');
  // Cancel has focus: Escape or Enter on it keeps the document.
  await alice.page.keyboard.press('Escape');
  await expect(item).toBeVisible();
  await forever.click();
  await dialog.getByTestId('confirm').click();
  await expect(item).toHaveCount(0);
  await alice.page.reload();
  await expect(trashItem(alice, docId)).toHaveCount(0);
  expect((await request.post(`${server.url}/api/trash/${docId}/restore`)).status()).toBe(404);
});
