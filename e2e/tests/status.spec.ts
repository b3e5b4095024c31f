import { expect, OFFLINE, SAVED, SERVER_UNREACHABLE, test, type DocPage } from '../fixtures/index.js';

/** One thing the status indicator showed, with the document text at that moment. */
interface Shown {
  status: string;
  text: string;
}

/** Starts recording, in the page, every distinct status the indicator shows from now on. */
async function recordStatus(user: DocPage): Promise<() => Promise<Shown[]>> {
  await user.page.evaluate(() => {
    const status = document.querySelector('[data-testid="connection-status"]');
    const editor = document.querySelector('[data-testid="editor"]');
    if (!status || !editor) throw new Error('the document page is not showing');
    const seen: Shown[] = [];
    (window as unknown as { __tandemStatus: Shown[] }).__tandemStatus = seen;
    const record = (): void => {
      const shown = { status: status.textContent?.trim() ?? '', text: editor.textContent ?? '' };
      if (shown.status !== seen.at(-1)?.status) seen.push(shown);
    };
    record();
    new MutationObserver(record).observe(status, {
      attributes: true,
      characterData: true,
      childList: true,
      subtree: true,
    });
  });
  return () => user.page.evaluate(() => [...(window as unknown as { __tandemStatus: Shown[] }).__tandemStatus]);
}

test('the status says "Saving…" while typing and "Saved" once the server stored it', async ({ alice, docId }) => {
  await alice.open(docId);
  await alice.waitSaved();
  const shown = await recordStatus(alice);

  await alice.typeText('Every keystroke is stored.');
  await alice.waitSaved();

  const seen = await shown();
  expect(seen[0]?.status).toBe(SAVED);
  expect(seen.filter((s) => s.status === 'Saving…' && s.text !== '').length).toBeGreaterThan(0);
  expect(seen.at(-1)).toEqual({ status: SAVED, text: 'Every keystroke is stored.' });
  // Only these two while connected: no flicker through "Connecting…", "Syncing…" or "Offline".
  expect(new Set(seen.map((s) => s.status))).toEqual(new Set([SAVED, 'Saving…']));
});

test('opening a document for the first time says "Connecting…" and shows the editor only once synced', async ({
  alice,
  docId,
}) => {
  // From the very first render: what the indicator said, and whether the editor was showing.
  // (A fresh browser context has no local copy of the document, which could show it sooner.)
  await alice.page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __tandemOpening: string[] }).__tandemOpening = seen;
    new MutationObserver(() => {
      const status = document.querySelector('[data-testid="connection-status"]');
      if (!status) return;
      const editor = document.querySelector('[data-testid="editor"]') ? 'editor' : 'no editor';
      const entry = `${status.getAttribute('data-connection')}: ${status.textContent?.trim()} (${editor})`;
      if (entry !== seen.at(-1)) seen.push(entry);
    }).observe(document, { attributes: true, characterData: true, childList: true, subtree: true });
  });
  await alice.open(docId);
  await alice.waitSaved();

  const seen = await alice.page.evaluate(() => (window as unknown as { __tandemOpening: string[] }).__tandemOpening);
  expect(seen[0]).toBe('connecting: Connecting… (no editor)');
  expect(seen).toContain('syncing: Syncing… (no editor)');
  expect(seen.at(-1)).toBe('synced: Saved (editor)');
  // Nothing unsynced was ever editable.
  expect(seen.filter((entry) => entry.endsWith('(editor)') && !entry.startsWith('synced:'))).toEqual([]);
});

test.describe('leaving the page', () => {
  test.use({ isolatedServer: true, allowedConsoleErrors: [SERVER_UNREACHABLE] });
  // A server restart and the page's reconnect backoff: sized to that work on a busy machine.
  test.describe.configure({ timeout: 60_000 });

  test('the browser warns before leaving while a change is not saved, and not once it is', async ({
    server,
    alice,
    docId,
  }) => {
    const dialogs: string[] = [];
    alice.page.on('dialog', (dialog) => {
      dialogs.push(dialog.type());
      // Stay on the page.
      void dialog.dismiss();
    });
    await alice.open(docId);
    await alice.typeText('Stored.');
    await alice.waitSaved();

    // All saved: leaving asks nothing (checked by reloading, which a warning would block).
    await alice.reload();
    expect(dialogs).toEqual([]);

    await server.kill('SIGKILL');
    await expect(alice.status).toHaveText(OFFLINE);
    await alice.typeText(' Not stored yet.');
    await expect(alice.status).toHaveAttribute('data-save', 'saving');

    // Closing the tab now asks first; dismissing keeps the page and the change.
    await alice.page.close({ runBeforeUnload: true });
    await expect.poll(() => dialogs).toEqual(['beforeunload']);
    expect(alice.page.isClosed()).toBe(false);
    await alice.expectText('Stored. Not stored yet.');

    // Once the server is back and has the change, the page lets go without asking.
    await server.restart();
    await alice.waitSaved(15_000);
    await alice.page.close({ runBeforeUnload: true });
    await expect.poll(() => alice.page.isClosed()).toBe(true);
    expect(dialogs).toEqual(['beforeunload']);
  });
});

test.describe('a document address with characters an id may not contain', () => {
  for (const [label, path] of [
    ['spaces and punctuation', '/d/my%20doc!'],
    ['markup', '/d/%3Cscript%3Ealert(1)%3C%2Fscript%3E'],
    ['more than 64 characters', `/d/${'a'.repeat(65)}`],
  ] as const) {
    test(`shows a readable message for ${label}`, async ({ alice }) => {
      await alice.page.goto(path);
      await expect(alice.page.getByRole('heading', { name: 'Nothing here' })).toBeVisible();
      await expect(
        alice.page.getByText('Document addresses use letters, digits, "-" and "_" only, at most 64 characters.'),
      ).toBeVisible();
      await expect(alice.page.getByRole('link', { name: 'Go to your documents' })).toBeVisible();
      await expect(alice.editor).toHaveCount(0);
      await expect(alice.loading).toHaveCount(0);
    });
  }
});
