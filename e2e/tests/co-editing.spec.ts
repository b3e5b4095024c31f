import { expect, expectConverged, test } from '../fixtures/index.js';

test.describe('two people editing one document', () => {
  test.beforeEach(async ({ alice, bob, docId }) => {
    await alice.open(docId);
    await bob.open(docId);
  });

  test('what Alice types appears in Bob’s browser promptly', async ({ alice, bob }) => {
    await alice.typeText('Hello from Alice');
    await bob.expectText('Hello from Alice', 2_000);
    await alice.waitSaved();
    await bob.waitSaved();
  });

  test('when both type at once, both end with the same document holding both edits', async ({ alice, bob }) => {
    await alice.typeText('middle');
    await bob.expectText('middle');

    // Typed at the same time, at opposite ends of the same paragraph.
    await Promise.all([alice.typeText(' from Alice at the end', 'end'), bob.typeText('Bob at the start, ', 'start')]);

    const text = await expectConverged([alice, bob]);
    expect(text).toBe('Bob at the start, middle from Alice at the end');

    // Typed at the same time, in two different paragraphs.
    await alice.typeText('\nsecond paragraph:');
    await bob.expectText('Bob at the start, middle from Alice at the end\nsecond paragraph:');
    await alice.moveCaret('Control+Home');
    await alice.moveCaret('End');
    await bob.moveCaret('Control+End');
    // Bob's caret has reached the second paragraph in his editor state once Alice sees it there.
    await expect(alice.page.locator('[data-testid="editor"] p').nth(1).locator('.ProseMirror-yjs-cursor')).toHaveCount(
      1,
    );
    await Promise.all([alice.typeText(' (Alice again)', 'caret'), bob.typeText(' Bob again', 'caret')]);
    expect(await expectConverged([alice, bob])).toBe(
      'Bob at the start, middle from Alice at the end (Alice again)\nsecond paragraph: Bob again',
    );
    await alice.waitSaved();
    await bob.waitSaved();
  });

  test('bold from the toolbar shows in the other browser', async ({ alice, bob }) => {
    await alice.typeText('make this word bold please');
    await bob.expectText('make this word bold please');

    await alice.select('bold');
    await expect(alice.tool('bold')).toHaveAttribute('aria-pressed', 'false');
    await alice.tool('bold').click();
    await expect(alice.tool('bold')).toHaveAttribute('aria-pressed', 'true');

    await bob.expectHtml('<p>make this word <strong>bold</strong> please</p>');
    await expectConverged([alice, bob]);
  });

  test('a typed "# " heading shortcut shows as a heading in the other browser', async ({ alice, bob }) => {
    await alice.typeText('# Meeting notes\nFirst point');
    await alice.expectHtml('<h1>Meeting notes</h1><p>First point</p>');

    await bob.expectHtml('<h1>Meeting notes</h1><p>First point</p>');
    // Bob's caret in the heading: his toolbar knows it is one.
    await bob.select('Meeting');
    await expect(bob.tool('h1')).toHaveAttribute('aria-pressed', 'true');
    await expectConverged([alice, bob]);
  });
});
