import { expect, test } from '../fixtures/index.js';

test('probe', async ({ alice, bob, docId }) => {
  await alice.open(docId);
  await alice.typeText('intro\nthe careful wording\noutro');
  await alice.waitSaved();
  const panel = alice.page.getByTestId('history-panel');
  await alice.editor.focus();
  await alice.page.keyboard.press('ControlOrMeta+Alt+Shift+KeyH');
  await panel.getByTestId('history-current').click();
  await panel.getByTestId('history-name').click();
  await panel.getByTestId('history-name-input').fill('before');
  await panel.getByTestId('history-name-save').click();
  await panel.getByTestId('history-close').click();
  await alice.select('careful');
  await alice.page.keyboard.type('hasty');
  await alice.typeText(' extended');
  await alice.waitSaved();
  await alice.page.keyboard.press('ControlOrMeta+Alt+Shift+KeyH');
  await panel.locator('[data-name="before"]').click();
  await panel.getByTestId('history-preview').getByText('the careful wording').click();
  await panel.getByTestId('history-restore-block').click();
  await expect(panel.getByTestId('history-status')).toContainText('Restored one block');
  await alice.page.waitForTimeout(500);
  const dump = async (label: string) => {
    const info = await panel.getByTestId('history-preview').evaluate((root) => ({
      blocks: [...root.children].map((c) => `${c.className}|${c.textContent}`),
      changes: [...root.querySelectorAll('[data-change]')].map((e) => `${e.getAttribute('data-change')}:${e.textContent} in "${e.closest('p,li,h1,h2,h3')?.textContent}"`),
    }));
    console.log(label, JSON.stringify(info));
  };
  await dump('after restore (still on before)');
  const options = panel.locator('[data-testid="history-version"]');
  const n = await options.count();
  for (let i = 0; i < n; i++) {
    const o = options.nth(i);
    const name = await o.textContent();
    await o.click();
    await alice.page.waitForTimeout(700);
    await dump(`version ${i}: ${name}`);
  }
  await panel.getByTestId('history-current').click();
  await alice.page.waitForTimeout(700);
  await dump('current');
});
