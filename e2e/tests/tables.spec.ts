import type { Page } from '@playwright/test';
import { expectNoSeriousViolations } from '../fixtures/axe.js';
import { expect, expectConverged, SERVER_UNREACHABLE, test, type DocPage } from '../fixtures/index.js';

// While cut off, the page's reconnection attempts fail and Chromium logs each one.
test.use({ allowedConsoleErrors: [SERVER_UNREACHABLE] });

/** The document's first table as rows of cell texts, header cells marked "H:". */
async function tableCells(user: DocPage): Promise<string[][]> {
  return user.editor.evaluate((root) => {
    const clone = root.cloneNode(true) as Element;
    // Other people's carets carry their names as text.
    clone.querySelectorAll('.ProseMirror-yjs-cursor').forEach((caret) => caret.remove());
    return [...clone.querySelectorAll('table tr')].map((tr) =>
      [...tr.children].map((cell) => `${cell.tagName === 'TH' ? 'H:' : ''}${cell.textContent ?? ''}`),
    );
  });
}

/** Waits until `user`'s first table holds `expected`. */
async function expectCells(user: DocPage, expected: string[][]): Promise<void> {
  await expect.poll(() => tableCells(user), { message: `${user.name}'s table` }).toEqual(expected);
}

/** Opens the size picker from the keyboard and inserts a `rows` × `columns` table with arrow keys and Enter. */
async function insertTableByKeyboard(page: Page, rows: number, columns: number): Promise<void> {
  const insert = page.getByRole('button', { name: 'Insert table' });
  await insert.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: '1 × 1', exact: true })).toBeFocused();
  for (let r = 1; r < rows; r++) await page.keyboard.press('ArrowDown');
  for (let c = 1; c < columns; c++) await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('button', { name: `${rows} × ${columns}`, exact: true })).toBeFocused();
  await page.keyboard.press('Enter');
}

/** Runs an entry of the "Table options" menu by its visible name. */
async function tableOption(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Table options' }).click();
  await page.getByRole('menuitem', { name }).click();
}

test.describe('tables', () => {
  test('a table inserted by keyboard from the size picker; Tab and Shift-Tab move between cells, Tab in the last adds a row', async ({
    alice,
    bob,
    docId,
  }) => {
    await alice.open(docId);
    await bob.open(docId);
    await alice.typeText('Intro');
    const { page } = alice;

    // Escape closes the picker and gives focus back to its button.
    const insert = page.getByRole('button', { name: 'Insert table' });
    await insert.focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('dialog', { name: 'Table size' })).toBeVisible();
    await expect(page.getByRole('button', { name: '3 × 4', exact: true })).toHaveAttribute(
      'title',
      '3 rows × 4 columns',
    );
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog', { name: 'Table size' })).toBeHidden();
    await expect(insert).toBeFocused();

    await insertTableByKeyboard(page, 2, 3);
    // The caret is in the first cell, a header cell.
    await page.keyboard.type('Name');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Role');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Since');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Ada');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.type('!');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.type('1843');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Grace');
    const expected = [
      ['H:Name', 'H:Role', 'H:Since!'],
      ['Ada', '', '1843'],
      ['Grace', '', ''],
    ];
    await expectCells(alice, expected);
    await expectCells(bob, expected);
    await expect(page.getByRole('button', { name: 'Insert table' })).toHaveAttribute('aria-disabled', 'true');

    // The table survives a reload.
    await alice.waitSaved();
    await alice.reload();
    await expectCells(alice, expected);
  });

  test('merging two cells and splitting them again, from the table menu', async ({ alice, bob, docId }) => {
    await alice.open(docId);
    await bob.open(docId);
    await alice.typeText('Top');
    await insertTableByKeyboard(alice.page, 2, 2);
    const { page } = alice;
    await page.keyboard.type('a');
    await page.keyboard.press('Tab');
    await page.keyboard.type('b');
    await page.keyboard.press('Shift+Tab');
    // Shift+Arrow past the cell's end selects cells.
    await page.keyboard.press('End');
    await page.keyboard.press('Shift+ArrowRight');
    await expect(page.locator('.tandem-doc .selectedCell')).toHaveCount(2);
    await page.getByRole('button', { name: 'Table options' }).click();
    await expect(page.getByRole('menuitem', { name: 'Split this cell' })).toHaveAttribute('aria-disabled', 'true');
    await page.getByRole('menuitem', { name: 'Merge the selected cells' }).click();
    await expect.poll(() => bob.html()).toContain('<th colspan="2">');
    await expectCells(bob, [['H:ab'], ['', '']]);

    await tableOption(page, 'Split this cell');
    await expect.poll(() => bob.html()).not.toContain('colspan="2"');
    await expect.poll(async () => (await tableCells(bob))[0]?.length).toBe(2);

    // Resizing by keyboard stores the width as dragging does, for everyone.
    await page.locator('.tandem-doc th').first().click();
    await tableOption(page, 'Make the column wider');
    await expect.poll(() => bob.html()).toMatch(/<th data-colwidth="\d+">/);
    const widths = await page
      .locator('.tandem-doc th')
      .evaluateAll((cells) => cells.map((c) => c.getBoundingClientRect().width));
    expect(widths[0]).toBeGreaterThan(widths[1]! + 20);

    await tableOption(page, 'Add a column to the right');
    await expect.poll(async () => (await tableCells(bob))[1]?.length).toBe(3);
    await tableOption(page, 'Delete the table');
    await expect.poll(() => bob.html()).not.toContain('<table');
    await expectConverged([alice, bob]);
  });

  test('two people edit one table at once: one adds a row while the other types in a cell', async ({
    openUser,
    docId,
  }) => {
    const alice = await openUser('alice', { cuttable: true });
    const bob = await openUser('bob');
    await alice.open(docId);
    await bob.open(docId);
    await alice.typeText('Plan');
    await insertTableByKeyboard(alice.page, 2, 2);
    await alice.page.keyboard.type('Who');
    await bob.expectHtml('<th><p>Who</p></th>');
    await alice.waitSaved();

    // Cut off from each other, so the two edits are truly concurrent.
    await alice.network.disconnect();
    await tableOption(alice.page, 'Add a row below');
    await bob.page.locator('.tandem-doc td').nth(1).click();
    await bob.page.keyboard.type('Bob');
    await bob.waitSaved();
    await expectCells(alice, [
      ['H:Who', 'H:'],
      ['', ''],
      ['', ''],
    ]);
    await expectCells(bob, [
      ['H:Who', 'H:'],
      ['', 'Bob'],
    ]);

    await alice.network.restore();
    await alice.waitSaved(15_000);
    const both = [
      ['H:Who', 'H:'],
      ['', ''],
      ['', 'Bob'],
    ];
    await expectCells(alice, both);
    await expectCells(bob, both);
    await expectConverged([alice, bob]);
  });

  test('pasted tables stay tables: HTML from a web page or a word processor, and Markdown text', async ({
    alice,
    bob,
    docId,
  }) => {
    await alice.open(docId);
    await bob.open(docId);
    await alice.typeText('Pasted');
    await alice.page.keyboard.press('Enter');
    await alice.editor.evaluate((editor) => {
      const data = new DataTransfer();
      data.setData('text/html', '<meta charset="utf-8"><table><tr><td>c1</td><td>c2</td></tr></table>');
      data.setData('text/plain', 'c1\tc2');
      editor.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    });
    await expectCells(bob, [['c1', 'c2']]);

    await alice.moveCaret('Control+Home');
    await alice.editor.evaluate((editor) => {
      const data = new DataTransfer();
      data.setData('text/plain', '| Name | Role |\n| --- | --- |\n| Ada | *maths* |');
      editor.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    });
    await expect.poll(() => bob.page.locator('.tandem-doc table').count()).toBe(2);
    await bob.expectHtml('<td><p><em>maths</em></p></td>');
    await expectConverged([alice, bob]);
  });

  test('the size picker, a table and its menu pass the accessibility checks, light and dark', async ({
    alice,
    docId,
  }) => {
    await alice.open(docId);
    await alice.typeText('Checked');
    const { page } = alice;
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      if (colorScheme === 'light') {
        await page.getByRole('button', { name: 'Insert table' }).click();
        await page.getByRole('button', { name: '2 × 3', exact: true }).hover();
        await expectNoSeriousViolations(page, `size picker, ${colorScheme}`);
        await page.getByRole('button', { name: '2 × 3', exact: true }).click();
        await page.keyboard.type('Head');
      }
      await page.getByRole('button', { name: 'Table options' }).click();
      await expect(page.getByRole('menu', { name: 'Table options' })).toBeVisible();
      await expectNoSeriousViolations(page, `table and its menu, ${colorScheme}`);
      await page.keyboard.press('Escape');
      await expect(page.getByRole('button', { name: 'Table options' })).toBeFocused();
    }
  });
});
