import { expect, OFFLINE, SERVER_UNREACHABLE, test, type DocPage } from '../fixtures/index.js';

/**
 * Records, in the page, the document text every time the status turns to "Saved",
 * so a test knows exactly which characters the person was told were stored.
 */
async function recordSavedText(user: DocPage): Promise<() => Promise<string[]>> {
  await user.page.evaluate(() => {
    const status = document.querySelector('[data-testid="connection-status"]');
    const editor = document.querySelector('[data-testid="editor"]');
    if (!status || !editor) throw new Error('the document page is not showing');
    const saved: string[] = [];
    (window as unknown as { __tandemSaved: string[] }).__tandemSaved = saved;
    const check = (): void => {
      if (status.getAttribute('data-save') === 'saved' && status.textContent?.trim() === 'Saved') {
        saved.push(editor.textContent ?? '');
      }
    };
    // Every change to the indicator, in the same task as the change itself: no keystroke can slip in between.
    new MutationObserver(check).observe(status, {
      attributes: true,
      characterData: true,
      childList: true,
      subtree: true,
    });
  });
  return () => user.page.evaluate(() => [...(window as unknown as { __tandemSaved: string[] }).__tandemSaved]);
}

test('reloading the page keeps the content', async ({ alice, bob, docId }) => {
  await alice.open(docId);
  await alice.typeText('# Kept\nacross a reload');
  await alice.waitSaved();

  await alice.reload();
  await alice.expectHtml('<h1>Kept</h1><p>across a reload</p>');

  // Someone who never had it open gets it from the server.
  await bob.open(docId);
  await bob.expectText('Kept\nacross a reload');
});

test.describe('when the server is killed with SIGKILL', () => {
  test.use({ isolatedServer: true, allowedConsoleErrors: [SERVER_UNREACHABLE] });
  // Each restart starts a whole server (a few seconds on a busy machine), and the page then
  // finds it again with its reconnect backoff (up to 5 s): sized to that, not to a quiet machine.
  test.describe.configure({ timeout: 90_000 });

  test('every character shown as "Saved" is there after a restart', async ({ server, alice, openUser, docId }) => {
    await alice.open(docId);
    const savedTexts = await recordSavedText(alice);

    // Keep typing, and crash the server in the middle of it, a moment after a "Saved".
    await alice.editor.focus();
    const typing = alice.page.keyboard.type('The quick brown fox jumps over the lazy dog. '.repeat(3), { delay: 15 });
    await expect.poll(async () => (await savedTexts()).at(-1)?.length ?? 0, { timeout: 10_000 }).toBeGreaterThan(20);
    await server.kill('SIGKILL');
    const shownAsSaved = (await savedTexts()).at(-1) ?? '';
    await typing;
    await expect(alice.status).toHaveText(OFFLINE);
    // The crash came mid-typing: Alice's copy holds more than was ever shown as saved.
    expect((await alice.text()).length).toBeGreaterThan(shownAsSaved.length);

    // Alice's tab must not upload its copy: what we read next comes from the disk alone.
    await alice.context.close();
    await server.restart();

    const carol = await openUser('carol');
    await carol.open(docId);
    const stored = await carol.text();
    expect(stored.slice(0, shownAsSaved.length), 'what the server kept begins with all that was shown as Saved').toBe(
      shownAsSaved,
    );
  });

  test('the page reconnects by itself and edits made while the server was down are kept', async ({
    server,
    alice,
    openUser,
    docId,
  }) => {
    await alice.open(docId);
    await alice.typeText('Written before the crash.');
    await alice.waitSaved();

    await server.kill('SIGKILL');
    await expect(alice.status).toHaveText(OFFLINE);
    await expect(alice.status).toHaveAttribute('data-connection', 'offline');
    await alice.typeText(' Written while the server was down.');
    await expect(alice.status).toHaveAttribute('data-save', 'saving');
    await expect(alice.status).toHaveText(OFFLINE);

    await server.restart();
    // No reload, no click: the page finds the server again and stores what it had.
    await alice.waitSaved(15_000);

    const expected = 'Written before the crash. Written while the server was down.';
    const bob = await openUser('bob');
    await bob.open(docId);
    await bob.expectText(expected);

    // Stored on disk, not only in the server's memory: survives another crash.
    await server.kill('SIGKILL');
    await server.restart();
    await alice.waitSaved(15_000);
    const carol = await openUser('carol');
    await carol.open(docId);
    await carol.expectText(expected);
    await alice.expectText(expected);
  });
});
