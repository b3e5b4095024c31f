import type { Locator } from '@playwright/test';
import { expect, test } from '../fixtures/index.js';

test.use({ viewport: { width: 390, height: 844 } });

/** Whether all of `element`'s content shows: nothing cut off, nothing scrolled away. */
function whole(element: Locator): Promise<boolean> {
  return element.evaluate((el) => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight);
}

test('on a phone the title and the status stay readable, and history is in the ⋯ menu', async ({ alice, docId }) => {
  await alice.open(docId);
  await alice.title.fill('Project kickoff notes');
  await alice.typeText('Agenda.');
  await alice.waitSaved();

  // The title gets most of the width and shows whole.
  const title = await alice.title.boundingBox();
  expect(title!.width).toBeGreaterThan(250);
  expect(await whole(alice.title)).toBe(true);
  // The status reads in full, inside the screen.
  await expect(alice.status).toHaveText('Saved');
  expect(await whole(alice.status)).toBe(true);
  await expect(alice.status).toBeInViewport({ ratio: 1 });
  // Nothing in the header runs off the side.
  const header = alice.page.locator('.doc-header');
  expect(await header.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  await alice.page.screenshot({ path: test.info().outputPath('phone-header.png') });

  await expect(alice.page.getByTestId('open-history')).toBeHidden();
  await alice.page.getByTestId('doc-menu').click();
  await alice.page.getByRole('menuitem', { name: /Version history/ }).click();
  await expect(alice.page.getByTestId('history-panel')).toBeVisible();
});
