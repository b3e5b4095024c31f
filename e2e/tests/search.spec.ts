import { expect, test } from '../fixtures/index.js';

test('a word from the middle of a document’s text finds it from the home page, with the passage around it', async ({
  alice,
  request,
  server,
  docId,
}) => {
  // A word no other document holds: letters and digits only, so it is one word to the index.
  const word = `quokka${docId.replace(/[^A-Za-z0-9]/g, '').slice(-8)}`;
  await alice.open(docId);
  await alice.typeText(
    `# Field trip\nWe took the ferry early, then saw a ${word} near the old lighthouse before lunch.\nMore notes later.`,
  );
  await alice.waitSaved();

  // The index follows edits a few seconds after typing pauses.
  await expect
    .poll(
      async () => {
        const res = await request.get(`${server.url}/api/docs?q=${word}`);
        return ((await res.json()) as { documents: { id: string }[] }).documents.map((d) => d.id);
      },
      { timeout: 15_000 },
    )
    .toEqual([docId]);

  await alice.page.goto('/');
  const search = alice.page.getByTestId('search');
  await expect(search).toHaveAccessibleName('Search documents');
  await search.fill(word);
  const items = alice.page.getByTestId('doc-list').getByTestId('doc-item');
  await expect(items).toHaveCount(1);
  const item = items.first();
  await expect(item.locator('.doc-item-title')).toHaveText('Field trip');
  const snippet = item.getByTestId('search-snippet');
  await expect(snippet).toContainText(`saw a ${word} near the old lighthouse`);
  await expect(snippet.locator('mark')).toHaveText([word]);

  // By keyboard: down from the search field to the result, Enter opens it.
  await search.press('ArrowDown');
  await expect(item.getByRole('link')).toBeFocused();
  await alice.page.keyboard.press('Enter');
  await expect(alice.page).toHaveURL(new RegExp(`/d/${docId}$`));
  await alice.waitLoaded();
  await alice.expectText(
    `Field trip\nWe took the ferry early, then saw a ${word} near the old lighthouse before lunch.\nMore notes later.`,
  );
});

test('on a phone, a search result’s passage wraps within the screen, and nothing found is said plainly', async ({
  alice,
  request,
  server,
  docId,
}) => {
  const word = `wombat${docId.replace(/[^A-Za-z0-9]/g, '').slice(-8)}`;
  const filler = 'a long sentence that goes on and on '.repeat(12);
  const res = await request.post(`${server.url}/api/docs/import`, {
    data: { markdown: `${filler} ${word} ${filler}`, title: 'Phone search' },
  });
  expect(res.status()).toBe(201);
  await alice.page.setViewportSize({ width: 390, height: 844 });
  await alice.page.goto('/');
  await alice.page.getByTestId('search').fill(word);
  const snippet = alice.page.getByTestId('search-snippet');
  await expect(snippet.locator('mark')).toHaveText([word]);
  const box = await snippet.boundingBox();
  expect(box!.x + box!.width).toBeLessThanOrEqual(390);
  expect(await alice.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  await alice.page.getByTestId('search').fill(`${word}x nothing`);
  await expect(alice.page.getByTestId('search-empty')).toHaveText(`No documents contain “${word}x nothing”.`);
});
