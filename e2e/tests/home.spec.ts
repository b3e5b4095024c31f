import { expect, test } from '../fixtures/index.js';

test('"New document" opens a fresh document, and the list then finds it by its title', async ({ alice }) => {
  await alice.page.goto('/');
  await alice.page.getByTestId('new-doc').click();
  await expect(alice.page).toHaveURL(/\/d\/[A-Za-z0-9_-]+$/);
  await alice.waitLoaded();
  const address = new URL(alice.page.url()).pathname;

  await alice.typeText('# Shopping list\nbread');
  await alice.waitSaved();

  await alice.page.goto('/');
  const item = alice.page.getByTestId('doc-list').getByTestId('doc-item').filter({ hasText: 'Shopping list' });
  await expect(item).toHaveCount(1);
  await item.getByRole('link').click();
  await expect(alice.page).toHaveURL(address);
  await alice.waitLoaded();
  await alice.expectText('Shopping list\nbread');
});
