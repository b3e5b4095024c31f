import { expect, test } from '../fixtures/index.js';

// Leaving a document tears down its editor while the last keystrokes may still be in flight;
// the page guard fails these tests on any error that teardown throws.

test('clicking the logo right after typing goes home without an error', async ({ alice, docId }) => {
  await alice.open(docId);
  for (let round = 1; round <= 4; round++) {
    await alice.typeText(`Round ${round} words`);
    await alice.page.getByRole('link', { name: 'Tandem — all documents' }).click();
    await expect(alice.page.getByRole('heading', { name: 'Documents' })).toBeVisible();
    await alice.page.goBack();
    await alice.waitLoaded();
  }
  await alice.expectText('Round 1 wordsRound 2 wordsRound 3 wordsRound 4 words');
});

test('the browser’s Back button leaves a document without an error', async ({ alice }) => {
  const home = alice.page.getByRole('heading', { name: 'Documents' });
  await alice.page.goto('/');
  for (let round = 1; round <= 3; round++) {
    await expect(home).toBeVisible();
    // Opened inside the app, so Back stays in it too (no page load in between).
    await alice.page.getByTestId('new-doc').click();
    await alice.waitLoaded();
    await alice.typeText(`Words ${round}`);
    await alice.page.goBack();
  }
  await expect(home).toBeVisible();
});
