import { expect, test } from '../fixtures/index.js';
import { expectNoSeriousViolations } from '../fixtures/axe.js';

/** A file with footnotes, HTML, a deep heading and code with a language. */
const NOTES = [
  '# Field notes',
  '',
  'Birds seen at dawn[^1], mostly <em>wrens</em>.',
  '',
  '#### Gear',
  '',
  '```Python',
  'count = 12',
  '```',
  '',
  '[^1]: Around 6 am.',
  '',
].join('\n');

test('importing a file that needs it says what was kept in another form, and the document holds it', async ({
  alice,
}) => {
  await alice.page.goto('/');
  await alice.page.getByTestId('import-file').setInputFiles({
    name: 'field-notes.md',
    mimeType: 'text/markdown',
    buffer: Buffer.from(NOTES),
  });
  await expect(alice.page).toHaveURL(/\/d\/[A-Za-z0-9_-]+$/);
  await alice.waitLoaded();

  const notice = alice.page.getByRole('status').filter({ hasText: 'Imported.' });
  await expect(notice).toHaveText(
    'Imported. 1 footnote was kept as text at the end; 2 pieces of HTML were kept as text; ' +
      '1 small heading became a level 3 heading. Dismiss',
  );
  await expectNoSeriousViolations(alice.page, 'an imported document with its import message');

  await alice.expectHtml('<p>Birds seen at dawn[1], mostly &lt;em&gt;wrens&lt;/em&gt;.</p><h3>Gear</h3>');
  await alice.expectHtml(
    '<pre data-language="python"><code class="language-python">count = 12</code></pre><h3>Footnotes</h3><ol><li><p>Around 6 am.</p></li></ol>',
  );
  // The language shows in the block's corner.
  const label = await alice.page
    .locator('pre[data-language]')
    .evaluate((pre) => getComputedStyle(pre, '::before').content);
  expect(label).toBe('"python"');

  // Dismissed by keyboard, it is gone, and it does not come back on the next visit.
  await alice.page.getByRole('button', { name: 'Dismiss the import message' }).focus();
  await alice.page.keyboard.press('Enter');
  await expect(notice).toHaveCount(0);
  await alice.page.reload();
  await alice.waitLoaded();
  await expect(alice.page.getByText('Imported.')).toHaveCount(0);
});

test('a file that imports as it was shows no message', async ({ alice }) => {
  await alice.page.goto('/');
  await alice.page.getByTestId('import-file').setInputFiles({
    name: 'plain.md',
    mimeType: 'text/markdown',
    buffer: Buffer.from('# Plain\n\n- [x] done\n'),
  });
  await expect(alice.page).toHaveURL(/\/d\/[A-Za-z0-9_-]+$/);
  await alice.waitLoaded();
  await alice.expectHtml('<h1>Plain</h1>');
  // Long enough for a message to have arrived (it is shown 50 ms after the page).
  await alice.page.waitForTimeout(300);
  await expect(alice.page.getByText('Imported.')).toHaveCount(0);
});
