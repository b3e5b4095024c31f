import { expect, test } from '../fixtures/index.js';

/** Every toolbar command, by its `tool-<id>` test id, in toolbar order. */
const TOOLS = [
  'paragraph',
  'h1',
  'h2',
  'h3',
  'bold',
  'italic',
  'underline',
  'strike',
  'link',
  'code',
  'bullet-list',
  'ordered-list',
  'task-list',
  'blockquote',
  'code-block',
  'hr',
];

test.describe('the toolbar on a phone (390×844)', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('what does not fit is in a "More" menu, nothing scrolls sideways, and every command is reachable', async ({
    alice,
    docId,
  }) => {
    await alice.open(docId);
    const toolbar = alice.page.getByRole('toolbar', { name: 'Formatting' });
    const more = toolbar.getByRole('button', { name: 'More formatting' });
    await expect(more).toBeVisible();
    await expect(more).toHaveAttribute('aria-haspopup', 'menu');
    expect(await toolbar.evaluate((bar) => bar.scrollWidth <= bar.clientWidth)).toBe(true);

    const inBar: string[] = [];
    for (const id of TOOLS) if (await alice.tool(id).isVisible()) inBar.push(id);
    expect(inBar.length, 'some commands stay in the bar').toBeGreaterThan(3);
    expect(inBar, 'the bar shows a leading run of the commands').toEqual(TOOLS.slice(0, inBar.length));
    for (const id of inBar) {
      const box = await alice.tool(id).boundingBox();
      expect(box!.x + box!.width, `${id} is on screen`).toBeLessThanOrEqual(390);
    }

    await more.click();
    const menu = alice.page.getByRole('menu', { name: 'More formatting' });
    await expect(menu).toBeVisible();
    const inMenu = TOOLS.slice(inBar.length);
    expect(inMenu).toContain('blockquote');
    for (const id of inMenu) await expect(menu.getByTestId(`menu-tool-${id}`)).toBeVisible();
    await expect(menu.getByRole('menuitemcheckbox', { name: /Quote/ })).toHaveAttribute('aria-checked', 'false');
    await alice.page.keyboard.press('Escape');
    await expect(menu).toBeHidden();
    await expect(more).toBeFocused();
  });

  test('the "More" menu works from the keyboard: arrows move, Enter runs the command in the text', async ({
    alice,
    docId,
  }) => {
    await alice.open(docId);
    await alice.typeText('A thought');
    const toolbar = alice.page.getByRole('toolbar', { name: 'Formatting' });
    const more = toolbar.getByRole('button', { name: 'More formatting' });
    // Into the toolbar with arrow keys: End reaches "More".
    await alice.tool('paragraph').focus();
    await alice.page.keyboard.press('End');
    await expect(more).toBeFocused();
    await alice.page.keyboard.press('ArrowDown');
    const menu = alice.page.getByRole('menu', { name: 'More formatting' });
    await expect(menu).toBeVisible();
    const quote = menu.getByTestId('menu-tool-blockquote');
    for (let presses = 0; presses < 16 && !(await quote.evaluate((el) => el === document.activeElement)); presses++)
      await alice.page.keyboard.press('ArrowDown');
    await expect(quote).toBeFocused();
    await alice.page.keyboard.press('Enter');
    await alice.expectHtml('<blockquote><p>A thought</p></blockquote>');
    await expect(alice.editor).toBeFocused();
    await more.click();
    await expect(menu.getByTestId('menu-tool-blockquote')).toHaveAttribute('aria-checked', 'true');
  });
});

test('on a wide screen every command is in the bar and there is no "More" menu', async ({ alice, docId }) => {
  await alice.page.setViewportSize({ width: 1440, height: 900 });
  await alice.open(docId);
  for (const id of TOOLS) await expect(alice.tool(id)).toBeVisible();
  await expect(alice.page.getByRole('button', { name: 'More formatting' })).toHaveCount(0);
});
