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

for (const { width, height } of [
  { width: 1440, height: 900 },
  { width: 390, height: 844 },
]) {
  test(`at ${width} wide the list shows a title whole, with when and who on a line beneath`, async ({ alice }) => {
    await alice.page.setViewportSize({ width, height });
    await alice.page.goto('/');
    await alice.page.getByTestId('new-doc').click();
    await alice.waitLoaded();
    const heading = `Team handbook for new engineers at ${width}`;
    await alice.typeText(`# ${heading}\nWelcome.`);
    await alice.waitSaved();

    await alice.page.goto('/');
    const item = alice.page.getByTestId('doc-item').filter({ hasText: heading });
    const title = item.locator('.doc-item-title');
    const meta = item.locator('.doc-item-meta');
    // "Edited now by …", "Edited 2 seconds ago by …": a space on both sides of "by".
    await expect(meta).toHaveText(/^Edited \S.* by \S/);
    // Nothing of the title is cut off…
    expect(await title.evaluate((el) => el.scrollHeight <= el.clientHeight && el.scrollWidth <= el.clientWidth)).toBe(
      true,
    );
    // …and the meta starts below it.
    const [titleBox, metaBox] = [await title.boundingBox(), await meta.boundingBox()];
    expect(metaBox!.y).toBeGreaterThanOrEqual(titleBox!.y + titleBox!.height - 1);
    await alice.page.screenshot({ path: test.info().outputPath(`home-${width}.png`) });
  });
}
