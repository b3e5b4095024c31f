import { expect, expectConverged, test } from '../fixtures/index.js';

test.describe('formatting, seen in both browsers', () => {
  test.beforeEach(async ({ alice, bob, docId }) => {
    await alice.open(docId);
    await bob.open(docId);
  });

  test('toolbar buttons apply marks and show them as pressed', async ({ alice, bob }) => {
    await alice.typeText('one two three four five');
    await bob.expectText('one two three four five');
    const marks = [
      ['bold', 'one', 'strong'],
      ['italic', 'two', 'em'],
      ['underline', 'three', 'u'],
      ['strike', 'four', 's'],
      ['code', 'five', 'code'],
    ] as const;
    for (const [tool, word, tag] of marks) {
      await alice.select(word);
      await expect(alice.tool(tool)).toHaveAttribute('aria-pressed', 'false');
      await alice.tool(tool).click();
      await expect(alice.tool(tool)).toHaveAttribute('aria-pressed', 'true');
      await bob.expectHtml(`<${tag}>${word}</${tag}>`);
    }
    expect(await bob.html()).toBe(
      '<p><strong>one</strong> <em>two</em> <u>three</u> <s>four</s> <code>five</code></p>',
    );

    // A block button turns the paragraph into a heading and back.
    await alice.tool('h2').click();
    await expect(alice.tool('h2')).toHaveAttribute('aria-pressed', 'true');
    await bob.expectHtml('<h2><strong>one</strong>');
    await alice.tool('h2').click();
    await bob.expectHtml('<p><strong>one</strong>');
    await expectConverged([alice, bob]);
  });

  test('keyboard shortcuts: marks, headings, lists and the link editor', async ({ alice, bob }) => {
    await alice.typeText(
      'bold italic under\nHeading one\nHeading two\nHeading three\nnumbered\nbulleted\ntask\nlinked',
    );
    await bob.expectText(
      'bold italic under\nHeading one\nHeading two\nHeading three\nnumbered\nbulleted\ntask\nlinked',
    );
    for (const [word, keys] of [
      ['bold', 'Control+b'],
      ['italic', 'Control+i'],
      ['under', 'Control+u'],
    ] as const) {
      await alice.select(word);
      await alice.page.keyboard.press(keys);
    }
    await bob.expectHtml('<p><strong>bold</strong> <em>italic</em> <u>under</u></p>');

    for (const [word, keys] of [
      ['Heading one', 'Control+Alt+1'],
      ['Heading two', 'Control+Alt+2'],
      ['Heading three', 'Control+Alt+3'],
      ['numbered', 'Control+Shift+7'],
      ['bulleted', 'Control+Shift+8'],
      ['task', 'Control+Shift+9'],
    ] as const) {
      await alice.select(word);
      await alice.page.keyboard.press(keys);
    }
    await bob.expectHtml(
      '<h1>Heading one</h1><h2>Heading two</h2><h3>Heading three</h3>' +
        '<ol><li><p>numbered</p></li></ol><ul><li><p>bulleted</p></li></ul>',
    );
    await expect(bob.editor.locator('ul[data-type="task-list"] > li[data-type="task-item"]')).toHaveCount(1);
    await bob.expectText(
      'bold italic under\nHeading one\nHeading two\nHeading three\nnumbered\nbulleted\ntask\nlinked',
    );
    await expect(alice.tool('task-list')).toHaveAttribute('aria-pressed', 'true');

    await alice.select('linked');
    await alice.page.keyboard.press('Control+k');
    const bubble = alice.page.getByTestId('link-bubble');
    await expect(bubble).toBeVisible();
    await expect(bubble.getByTestId('link-input')).toBeFocused();
    await bubble.getByTestId('link-input').fill('example.com/docs');
    await bubble.getByTestId('link-input').press('Enter');
    await expect(bob.editor.getByRole('link', { name: 'linked' })).toHaveAttribute('href', 'https://example.com/docs');
    await expectConverged([alice, bob]);
  });

  test('Markdown typed as you go becomes structure', async ({ alice, bob }) => {
    const keys = [
      '# Title\n',
      '## Section\n',
      '- bullet\n\n',
      '1. first\n\n',
      '[ ] todo\n\n',
      '> quoted\n\n',
      '```js\n',
      'let x = 1;',
    ];
    for (const text of keys) await alice.typeText(text, 'caret');
    // Leave the code block, then inline marks and a divider.
    await alice.page.keyboard.press('Shift+Enter');
    await alice.page.keyboard.type('a **strong** and *slanted* `mono` end\n---');

    await bob.expectHtml(
      '<h1>Title</h1><h2>Section</h2><ul><li><p>bullet</p></li></ul><ol><li><p>first</p></li></ol>' +
        '<ul data-type="task-list"><li data-type="task-item" data-checked="false"><span class="task-check" ' +
        'contenteditable="false"><input type="checkbox" tabindex="-1" contenteditable="false" aria-label="todo"></span>' +
        '<div class="task-content"><p>todo</p></div></li></ul><blockquote><p>quoted</p></blockquote>' +
        '<pre data-language="js"><code class="language-js">let x = 1;</code></pre><p>a <strong>strong</strong> and <em>slanted</em> <code>mono</code> end</p>' +
        '<hr contenteditable="false"><p></p>',
    );
    // One line per block; the divider and the paragraph the caret went to after it are empty.
    const text = 'Title\nSection\nbullet\nfirst\ntodo\nquoted\nlet x = 1;\na strong and slanted mono end\n\n';
    await bob.expectText(text);
    await alice.expectText(text);
  });

  test('undo takes back only your own change, never the other person’s', async ({ alice, bob }) => {
    await bob.typeText('Bob wrote this.');
    await alice.expectText('Bob wrote this.');
    await alice.moveCaret('Control+End');
    await alice.typeText('\nAlice wrote this.', 'caret');
    await bob.expectText('Bob wrote this.\nAlice wrote this.');
    // Bob adds to his own line.
    await bob.moveCaret('Control+Home');
    await bob.moveCaret('End');
    await bob.typeText(' Bob again.', 'caret');
    await alice.expectText('Bob wrote this. Bob again.\nAlice wrote this.');

    await alice.editor.focus();
    await alice.page.keyboard.press('Control+z');
    await alice.expectText('Bob wrote this. Bob again.');
    await bob.expectText('Bob wrote this. Bob again.');

    await alice.page.keyboard.press('Control+Shift+z');
    await bob.expectText('Bob wrote this. Bob again.\nAlice wrote this.');

    // Bob's undo takes back his own typing, leaving Alice's paragraph alone.
    await bob.editor.focus();
    await bob.page.keyboard.press('Control+z');
    await expect.poll(() => alice.text()).not.toContain('Bob again.');
    // Bob's undo may take back his whole paragraph (he created it) or only his later words; Alice's line stays.
    expect(await alice.text()).toMatch(/^(Bob wrote this\.\n|\n)?Alice wrote this\.$/);
    await expectConverged([alice, bob]);
  });
});

test('accessibility: a labelled toolbar reachable by keyboard, and a named text area', async ({ alice, docId }) => {
  await alice.open(docId);
  await alice.typeText('Some text');
  const toolbar = alice.page.getByRole('toolbar', { name: 'Formatting' });
  await expect(toolbar).toMatchAriaSnapshot(`
    - toolbar "Formatting":
      - group:
        - button "Normal text" [pressed]
        - button "H1 Heading 1"
        - button "H2 Heading 2"
        - button "H3 Heading 3"
      - group:
        - button "Bold"
        - button "Italic"
        - button "Underline"
        - button "Strikethrough"
        - button "Link"
        - button "Inline code"
      - group:
        - button "Bulleted list"
        - button "1. Numbered list"
        - button "Task list"
      - group:
        - button "Quote"
        - button "Code block"
        - button "Divider"
        - button "Insert image"
        - button "Comment"
      - group:
        - button "Align left" [pressed]
        - button "Align center"
        - button "Align right"
        - button "Justify"
      - group "Colours":
        - button "Text colour"
        - button "Highlight"
      - button "Insert table"
  `);
  const buttons = toolbar.getByRole('button');
  const count = await buttons.count();
  expect(count).toBe(25);
  // Every toggle says whether it is on; the one-shot Divider, Insert image and Comment, the colour menus and the table picker's opener do not.
  for (let i = 0; i < count; i++) {
    const button = buttons.nth(i);
    const label = await button.getAttribute('aria-label');
    expect(label, `button ${i} has a name`).toBeTruthy();
    if (
      label === 'Divider' ||
      label === 'Insert image' ||
      label === 'Comment' ||
      label === 'Insert table' ||
      (await button.getAttribute('aria-haspopup')) === 'menu'
    )
      await expect(button).not.toHaveAttribute('aria-pressed');
    else await expect(button).toHaveAttribute('aria-pressed', /^(true|false)$/);
  }
  await expect(alice.page.getByRole('textbox', { name: 'Document text' })).toHaveAttribute('data-testid', 'editor');

  // Tab from the title field reaches the toolbar (one stop), arrow keys then visit every button.
  await alice.title.focus();
  const focusedTool = (): Promise<string | null> =>
    alice.page.evaluate(() => {
      const active = document.activeElement;
      return active?.closest('[role="toolbar"]') ? active.getAttribute('data-testid') : null;
    });
  let presses = 0;
  while ((await focusedTool()) === null && presses < 20) {
    await alice.page.keyboard.press('Tab');
    presses++;
  }
  expect(await focusedTool(), 'Tab reached the toolbar').toBe('tool-paragraph');
  const visited = [await focusedTool()];
  for (let i = 1; i < count; i++) {
    await alice.page.keyboard.press('ArrowRight');
    visited.push(await focusedTool());
  }
  expect(new Set(visited).size).toBe(count);
  expect(visited.at(-1)).toBe('tool-insert-table');
  await alice.page.keyboard.press('ArrowRight');
  expect(await focusedTool(), 'ArrowRight wraps around').toBe('tool-paragraph');
  await alice.page.keyboard.press('ArrowLeft');
  expect(await focusedTool()).toBe('tool-insert-table');
  await alice.page.keyboard.press('Home');
  expect(await focusedTool()).toBe('tool-paragraph');
  await alice.page.keyboard.press('End');
  expect(await focusedTool()).toBe('tool-insert-table');
  // The toolbar is one Tab stop: the next Tab leaves it for the text.
  await alice.page.keyboard.press('Tab');
  await expect(alice.editor).toBeFocused();
});

test.describe('colour, highlight, alignment and strike, seen by a second person and after a reload', () => {
  test.beforeEach(async ({ alice, bob, docId }) => {
    await alice.open(docId);
    await bob.open(docId);
  });

  test('colour and highlight from the toolbar menus, by keyboard', async ({ alice, bob }) => {
    await alice.typeText('plain red marked');
    await bob.expectText('plain red marked');

    await alice.select('red');
    await alice.tool('color').focus();
    await alice.page.keyboard.press('Enter');
    const menu = alice.page.getByRole('menu', { name: 'Text colour' });
    await expect(menu.getByRole('menuitemradio', { name: 'No colour' })).toBeFocused();
    // Down past "No colour" and "Gray" to "Red".
    await alice.page.keyboard.press('ArrowDown');
    await alice.page.keyboard.press('ArrowDown');
    await expect(menu.getByRole('menuitemradio', { name: 'Red' })).toBeFocused();
    await alice.page.keyboard.press('Enter');
    await expect(menu).toBeHidden();
    await expect(alice.editor).toBeFocused();
    await bob.expectHtml('<span data-color="red">red</span>');
    await expect(alice.tool('color')).toHaveAttribute('aria-label', 'Text colour: Red');

    await alice.select('marked');
    await alice.tool('highlight').click();
    await alice.page.getByRole('menuitemradio', { name: 'Yellow' }).click();
    await bob.expectHtml('<mark data-highlight="yellow">marked</mark>');
    // The highlight is drawn from the palette, not the browser's default <mark> yellow-and-black.
    const background = await bob.editor
      .locator('mark[data-highlight="yellow"]')
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(background).toBe('rgb(255, 243, 163)');

    // Escape closes a menu without a change, back in the text.
    await alice.tool('highlight').click();
    // The menu takes focus a frame after it opens (on its checked entry): Escape before that would go to the text.
    const highlightMenu = alice.page.getByRole('menu', { name: 'Highlight' });
    await expect(highlightMenu.getByRole('menuitemradio', { name: 'Yellow' })).toBeFocused();
    await alice.page.keyboard.press('Escape');
    await expect(highlightMenu).toBeHidden();
    await expect(alice.editor).toBeFocused();

    // "No colour" takes it off again.
    await alice.select('red');
    await alice.tool('color').click();
    await alice.page.getByRole('menuitemradio', { name: 'No colour' }).click();
    await bob.expectHtml('<p>plain red <mark data-highlight="yellow">marked</mark></p>');

    await bob.reload();
    await bob.expectHtml('<p>plain red <mark data-highlight="yellow">marked</mark></p>');
    await expectConverged([alice, bob]);
  });

  test('alignment by shortcut and toolbar, over several paragraphs in one undo step', async ({ alice, bob }) => {
    await alice.typeText('first\nsecond\nthird');
    await bob.expectText('first\nsecond\nthird');
    await alice.select('third');
    await alice.page.keyboard.press('Control+Shift+E');
    await bob.expectHtml('<p data-align="center">third</p>');
    await expect(alice.tool('align-center')).toHaveAttribute('aria-pressed', 'true');
    await expect(alice.tool('align-left')).toHaveAttribute('aria-pressed', 'false');
    const align = await bob.editor
      .locator('p')
      .nth(2)
      .evaluate((p) => getComputedStyle(p).textAlign);
    expect(align).toBe('center');

    // Select from "first" to "second" and right-align both at once.
    await alice.editor.focus();
    await alice.moveCaret('Control+Home');
    await alice.page.keyboard.press('ArrowDown');
    await alice.page.keyboard.press('Shift+End');
    await alice.page.keyboard.press('Shift+ArrowUp');
    await alice.tool('align-right').click();
    await bob.expectHtml(
      '<p data-align="right">first</p><p data-align="right">second</p><p data-align="center">third</p>',
    );
    await alice.page.keyboard.press('Control+Shift+J');
    await bob.expectHtml('<p data-align="justify">first</p><p data-align="justify">second</p>');

    // One undo takes back the whole justify, both paragraphs.
    await alice.page.keyboard.press('Control+z');
    await bob.expectHtml('<p data-align="right">first</p><p data-align="right">second</p>');

    await alice.page.keyboard.press('Control+Shift+L');
    await bob.expectHtml('<p>first</p><p>second</p><p data-align="center">third</p>');
    await bob.reload();
    await bob.expectHtml('<p>first</p><p>second</p><p data-align="center">third</p>');
    await expectConverged([alice, bob]);
  });

  test('~~text~~ typed becomes strikethrough', async ({ alice, bob }) => {
    await alice.typeText('keep ~~gone~~ now');
    await bob.expectHtml('<p>keep <s>gone</s> now</p>');
  });

  test('typing --- makes a divider and goes on typing in a paragraph after it', async ({ alice, bob }) => {
    await alice.typeText('above\n---abc');
    await bob.expectHtml('<p>above</p><hr contenteditable="false"><p>abc</p>');
    await alice.expectHtml('<p>above</p><hr contenteditable="false"><p>abc</p>');
  });

  test('--- before a list keeps the list and types into a new paragraph between them', async ({ alice, bob }) => {
    await alice.typeText('\n- item');
    await alice.moveCaret('Control+Home');
    await alice.typeText('---x', 'caret');
    await bob.expectHtml('<hr contenteditable="false"><p>x</p><ul><li><p>item</p></li></ul>');
  });
});
