import type { Locator } from '@playwright/test';
import { expect, test, type DocPage } from '../fixtures/index.js';

/** The colours the tests give each person (from the app's palette). */
const COLORS = { Alice: '#1971c2', Bob: '#2b8a3e', Carol: '#ae3ec9' } as const;
type Person = keyof typeof COLORS;

/** Gives a browser its name and colour before the app reads them ('tandem.user' in localStorage). */
async function identify(user: DocPage, name: Person): Promise<void> {
  await user.page.addInitScript(
    ([key, identity]) => {
      // Only the first time: a rename in the dialog must survive later navigations.
      if (!localStorage.getItem(key)) localStorage.setItem(key, identity);
    },
    ['tandem.user', JSON.stringify({ name, color: COLORS[name] })] as const,
  );
}

/** The presence bar's avatars, in order. */
function avatars(user: DocPage): Locator {
  return user.page.getByTestId('presence-bar').getByTestId('avatar');
}

/** Names in `user`'s presence bar, in order, with "(self)" marking the one data-self says is them. */
async function barOf(user: DocPage): Promise<string[]> {
  return avatars(user).evaluateAll((buttons) =>
    buttons.map((b) => `${b.getAttribute('data-name')}${b.getAttribute('data-self') === 'true' ? ' (self)' : ''}`),
  );
}

/** `peer`'s caret as `viewer` sees it, found by the client id on `peer`'s own avatar. */
async function caretOf(viewer: DocPage, peer: DocPage): Promise<Locator> {
  const id = await avatars(peer).and(peer.page.locator('[data-self="true"]')).getAttribute('data-client-id');
  expect(id, `${peer.name}'s client id`).toBeTruthy();
  return viewer.editor.locator(`.ProseMirror-yjs-cursor[data-client-id="${id}"]`);
}

/** The text of the caret's block that comes before it, without other carets' labels. */
function textBefore(caret: Locator): Promise<string> {
  return caret.evaluate((node) => {
    const block = node.closest('p, h1, h2, h3, li, pre');
    if (!block) return '(not in a block)';
    const range = document.createRange();
    range.setStart(block, 0);
    range.setEndBefore(node);
    const before = range.cloneContents();
    before.querySelectorAll('.ProseMirror-yjs-cursor').forEach((c) => c.remove());
    return before.textContent ?? '';
  });
}

/** Opens `docId` for each person, named, in their own browser context. */
async function openAll(
  openUser: (name: string) => Promise<DocPage>,
  docId: string,
  names: readonly Person[],
): Promise<DocPage[]> {
  const users: DocPage[] = [];
  for (const name of names) {
    const user = await openUser(name);
    await identify(user, name);
    await user.open(docId);
    users.push(user);
  }
  return users;
}

test.describe('two people', () => {
  test('each sees the other’s named caret where it is, their selection, and both in the bar, self first', async ({
    openUser,
    docId,
  }) => {
    const [alice, bob] = (await openAll(openUser, docId, ['Alice', 'Bob'])) as [DocPage, DocPage];
    await alice.typeText('Hello world');
    await bob.expectText('Hello world');

    // Bob puts his caret right after "Hello".
    await bob.editor.focus();
    await bob.page.keyboard.press('Control+Home');
    for (let i = 0; i < 'Hello'.length; i++) await bob.page.keyboard.press('ArrowRight');

    const bobsCaret = await caretOf(alice, bob);
    await expect(bobsCaret).toHaveCount(1);
    await expect(bobsCaret.locator('.remote-caret-label')).toHaveText('Bob');
    await expect(bobsCaret).toHaveCSS('border-left-color', 'rgb(43, 138, 62)');
    await expect.poll(() => textBefore(bobsCaret), { message: "where Bob's caret shows for Alice" }).toBe('Hello');
    // Alice's own caret is not drawn as a remote one in her view; Bob sees hers, at the end.
    await expect(alice.editor.locator('.ProseMirror-yjs-cursor')).toHaveCount(1);
    const alicesCaret = await caretOf(bob, alice);
    await expect(alicesCaret.locator('.remote-caret-label')).toHaveText('Alice');
    await expect.poll(() => textBefore(alicesCaret)).toBe('Hello world');

    // Bob selects a word: Alice sees it highlighted.
    await bob.select('world');
    await expect(alice.editor.locator('.remote-selection')).toHaveText('world');
    await expect.poll(() => textBefore(bobsCaret)).toBe('Hello world');

    expect(await barOf(alice)).toEqual(['Alice (self)', 'Bob']);
    expect(await barOf(bob)).toEqual(['Bob (self)', 'Alice']);
  });

  test('"Bob is typing…" shows while he types and goes about 2 s after he stops', async ({ openUser, docId }) => {
    const [alice, bob] = (await openAll(openUser, docId, ['Alice', 'Bob'])) as [DocPage, DocPage];
    const indicator = alice.page.getByTestId('typing-indicator');
    await expect(indicator).toHaveText('');

    await bob.editor.focus();
    const typing = bob.page.keyboard.type('Bob types slowly', { delay: 60 });
    await expect(indicator).toContainText('Bob is typing…');
    // Bob does not see himself typing.
    await expect(bob.page.getByTestId('typing-indicator')).toHaveText('');
    await typing;
    const stopped = Date.now();
    await expect(indicator).toContainText('Bob is typing…');
    await expect(indicator).toHaveText('', { timeout: 5_000 });
    const after = Date.now() - stopped;
    expect(after, 'ms from the last keystroke until the indicator went').toBeGreaterThan(1_200);
    expect(after).toBeLessThan(4_000);
  });

  test('rename: Bob changes his name in the dialog and Alice sees it at once', async ({ openUser, docId }) => {
    const [alice, bob] = (await openAll(openUser, docId, ['Alice', 'Bob'])) as [DocPage, DocPage];
    await bob.typeText('Bob was here');
    await expect((await caretOf(alice, bob)).locator('.remote-caret-label')).toHaveText('Bob');

    await avatars(bob).and(bob.page.locator('[data-self="true"]')).click();
    const dialog = bob.page.getByTestId('identity-dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByTestId('identity-name')).toHaveValue('Bob');
    await dialog.getByTestId('identity-name').fill('Robert');
    await dialog.getByTestId('identity-save').click();
    await expect(dialog).toBeHidden();

    await expect.poll(() => barOf(alice)).toEqual(['Alice (self)', 'Robert']);
    expect(await barOf(bob)).toEqual(['Robert (self)', 'Alice']);
    // The dialog took Bob's focus, so his caret left Alice's view; back in the text, it carries his new name.
    await bob.editor.focus();
    await expect((await caretOf(alice, bob)).locator('.remote-caret-label')).toHaveText('Robert');
    const stored = await bob.page.evaluate(() => JSON.parse(localStorage.getItem('tandem.user') ?? 'null') as unknown);
    expect(stored).toEqual({ name: 'Robert', color: COLORS.Bob });
  });

  test('clicking another person’s avatar scrolls to their caret and follows them', async ({ openUser, docId }) => {
    const [alice, bob] = (await openAll(openUser, docId, ['Alice', 'Bob'])) as [DocPage, DocPage];
    await alice.typeText(Array.from({ length: 40 }, (_, i) => `Line ${i + 1}`).join('\n'));
    await bob.expectText(Array.from({ length: 40 }, (_, i) => `Line ${i + 1}`).join('\n'));
    await bob.typeText(' (Bob)');
    await alice.editor.focus();
    await alice.page.keyboard.press('Control+Home');
    await alice.page.evaluate(() => window.scrollTo(0, 0));

    const bobsCaret = await caretOf(alice, bob);
    await expect(bobsCaret).toHaveCount(1);
    await expect(bobsCaret).not.toBeInViewport();
    await expect(alice.page.getByTestId('following')).toHaveCount(0);

    await avatars(alice).and(alice.page.locator('[data-name="Bob"]')).click();
    await expect(bobsCaret).toBeInViewport();
    await expect(alice.page.getByTestId('following')).toContainText('Following Bob');
  });
});

test.describe('remote edits and the caret', () => {
  test('the caret stays in view while someone adds lines above it, also without the browser’s scroll anchoring', async ({
    alice,
    bob,
    docId,
  }) => {
    const lines = Array.from({ length: 50 }, (_, i) => `Line ${i + 1}`).join('\n');
    await alice.open(docId);
    await alice.typeText(lines);
    await bob.open(docId);
    await bob.expectText(lines);
    // Safari has no scroll anchoring: without it, only the editor keeps the caret where it was.
    await alice.page.evaluate(() => {
      for (let el: HTMLElement | null = document.querySelector('[data-testid="editor"]'); el; el = el.parentElement)
        el.style.overflowAnchor = 'none';
    });
    await alice.moveCaret('Control+End');
    const caretInView = () =>
      alice.page.evaluate(() => {
        const rect = window.getSelection()!.getRangeAt(0).getBoundingClientRect();
        return rect.bottom > 0 && rect.top < window.innerHeight;
      });
    expect(await caretInView()).toBe(true);
    expect(await alice.page.evaluate(() => window.scrollY)).toBeGreaterThan(0);

    await bob.typeText(`${Array.from({ length: 30 }, () => 'Added above').join('\n')}\n`, 'start');
    await alice.expectText(`${Array.from({ length: 30 }, () => 'Added above').join('\n')}\n${lines}`);
    await expect.poll(caretInView).toBe(true);
    // And it is still where Alice left it: typing goes on at the end of the last line.
    await alice.page.keyboard.type('!');
    await expect(alice.editor.locator('p').last()).toHaveText('Line 50!');
  });
});

test.describe('one person, two tabs', () => {
  test('shows as one avatar to others and to themselves, with both carets still drawn', async ({ openUser, docId }) => {
    const [alice, bob] = (await openAll(openUser, docId, ['Alice', 'Bob'])) as [DocPage, DocPage];
    // Alice's second tab: the same browser (context), so the same person.
    const secondTab = await alice.context.newPage();
    await secondTab.goto(`/d/${docId}`);
    await expect(secondTab.getByTestId('connection-status')).toHaveAttribute('data-connection', 'synced');
    await alice.typeText('From the first tab.');
    await secondTab.getByTestId('editor').focus();
    await secondTab.keyboard.press('Control+Home');
    await secondTab.keyboard.type('Second tab: ');
    await bob.expectText('Second tab: From the first tab.');

    await expect(bob.editor.locator('.ProseMirror-yjs-cursor .remote-caret-label')).toHaveText(['Alice', 'Alice']);
    await expect.poll(() => barOf(bob)).toEqual(['Bob (self)', 'Alice']);
    await expect.poll(() => barOf(alice)).toEqual(['Alice (self)', 'Bob']);
    // Her own other tab is not "someone else typing".
    await expect(alice.page.getByTestId('typing-indicator')).toHaveText('');
  });
});

test.describe('caret names', () => {
  test('a faded name comes back while its caret is hovered, or its person’s avatar is hovered or focused', async ({
    openUser,
    docId,
  }) => {
    const [alice, bob] = (await openAll(openUser, docId, ['Alice', 'Bob'])) as [DocPage, DocPage];
    await bob.typeText('Bob writes a line.');
    await alice.expectText('Bob writes a line.');
    const label = (await caretOf(alice, bob)).locator('.remote-caret-label');
    const opacity = (): Promise<string> => label.evaluate((el) => getComputedStyle(el).opacity);
    await expect.poll(opacity, { message: 'the idle name fades', timeout: 8_000 }).toBe('0');

    // Where a person points: the middle of the caret's bar.
    const bar = (await (await caretOf(alice, bob)).boundingBox())!;
    await alice.page.mouse.move(bar.x + bar.width / 2, bar.y + bar.height / 2);
    await expect.poll(opacity, { message: 'hovering the caret' }).toBe('1');
    await alice.page.mouse.move(0, 0);
    await expect.poll(opacity, { message: 'fades again', timeout: 8_000 }).toBe('0');

    // By keyboard: Tab to Bob's avatar.
    const bobsAvatar = avatars(alice).and(alice.page.locator('[data-name="Bob"]'));
    await bobsAvatar.focus();
    await expect.poll(opacity, { message: 'focusing Bob’s avatar' }).toBe('1');
    await alice.editor.focus();
    await expect.poll(opacity, { message: 'fades once the avatar loses focus', timeout: 8_000 }).toBe('0');
  });
});

test.describe('caret names while typing', () => {
  test('the name of someone typing stays shown for as long as they type, and fades once they stop', async ({
    openUser,
    docId,
  }) => {
    const [alice, bob] = (await openAll(openUser, docId, ['Alice', 'Bob'])) as [DocPage, DocPage];
    await bob.typeText('Bob ');
    await alice.expectText('Bob ');
    const label = (await caretOf(alice, bob)).locator('.remote-caret-label');
    const opacity = (): Promise<string> => label.evaluate((el) => getComputedStyle(el).opacity);
    // Longer than the 3 s a still caret keeps its name.
    const typed = 'keeps typing for five seconds or so';
    await bob.page.keyboard.type(typed, { delay: 140 });
    await alice.expectText(`Bob ${typed}`);
    expect(await opacity()).toBe('1');
    await expect.poll(opacity, { message: 'the name fades once Bob stops', timeout: 8_000 }).toBe('0');
  });
});

test.describe('three people', () => {
  test('everyone sees the two others, named, and a bar of three with themselves first', async ({ openUser, docId }) => {
    const users = (await openAll(openUser, docId, ['Carol', 'Alice', 'Bob'])) as [DocPage, DocPage, DocPage];
    const [carol, alice, bob] = users;
    await alice.typeText('Alice. ');
    await bob.expectText('Alice. ');
    await bob.typeText('Bob. ');
    await carol.expectText('Alice. Bob. ');
    await carol.typeText('Carol.');
    for (const user of users) await user.expectText('Alice. Bob. Carol.');

    await expect.poll(() => barOf(alice)).toEqual(['Alice (self)', 'Bob', 'Carol']);
    await expect.poll(() => barOf(bob)).toEqual(['Bob (self)', 'Alice', 'Carol']);
    await expect.poll(() => barOf(carol)).toEqual(['Carol (self)', 'Alice', 'Bob']);
    for (const viewer of users) {
      await expect(viewer.editor.locator('.remote-caret-label')).toHaveCount(2);
      for (const peer of users.filter((u) => u !== viewer)) {
        await expect((await caretOf(viewer, peer)).locator('.remote-caret-label')).toHaveText(peer.name);
      }
    }
  });

  test('a person who closes the page, or their whole browser, leaves everyone’s bar and editor within 2 s', async ({
    openUser,
    docId,
  }) => {
    const [alice, bob, carol] = (await openAll(openUser, docId, ['Alice', 'Bob', 'Carol'])) as [
      DocPage,
      DocPage,
      DocPage,
    ];
    await bob.typeText('Bob. ');
    await carol.expectText('Bob. ');
    await carol.typeText('Carol.');
    await alice.expectText('Bob. Carol.');
    await expect.poll(() => barOf(alice)).toEqual(['Alice (self)', 'Bob', 'Carol']);
    const bobsCaret = await caretOf(alice, bob);
    const carolsCaret = await caretOf(alice, carol);
    await expect(bobsCaret).toHaveCount(1);
    await expect(carolsCaret).toHaveCount(1);

    // Bob closes his tab.
    await bob.page.close();
    await expect.poll(() => barOf(alice), { timeout: 2_000 }).toEqual(['Alice (self)', 'Carol']);
    await expect(bobsCaret).toHaveCount(0, { timeout: 2_000 });

    // Carol's whole browser goes away, without closing the page first.
    await carol.context.close();
    await expect.poll(() => barOf(alice), { timeout: 2_000 }).toEqual(['Alice (self)']);
    await expect(carolsCaret).toHaveCount(0, { timeout: 2_000 });
    await expect(alice.editor.locator('.ProseMirror-yjs-cursor')).toHaveCount(0);
  });
});
