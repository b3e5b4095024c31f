import type { Browser, Locator, Page } from '@playwright/test';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT, TandemClient } from '@tandem/crdt-bridge';
import { expect, test } from '../fixtures/index.js';
import { TandemServer } from '../fixtures/TandemServer.js';
import { docText, mintToken, type LinkRole } from '../fixtures/tokens.js';

/**
 * Issue 14's review, with the roles the server enforces: Olga owns the document, Ed edits it and
 * Cem may only comment and suggest. Every step is checked in all three browsers.
 */
const SECRET = 'e2e-review-secret-e2e-review-secret-0123';
/** This run's document: a fresh one each time, the server living across repeated runs. */
let DOC = '';
const TEXT = 'The launch is on Friday. The budget is tight.';

let server: TandemServer;
test.beforeAll(async () => {
  server = await TandemServer.start({ TANDEM_AUTH_SECRET: SECRET });
});
test.afterAll(async () => server.stop());
test.beforeEach(() => {
  DOC = `review-${test.info().repeatEachIndex}-${test.info().retry}`;
});

/** Opens the document in a new browser context signed in as `name` with `role`. */
async function signIn(browser: Browser, name: string, role: LinkRole): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  const token = await mintToken(SECRET, name, { [DOC]: role });
  await page.goto(`${server.url}/auth#token=${encodeURIComponent(token)}&doc=${DOC}`);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-connection', 'synced');
  return page;
}

/** The Comments panel, opened if it is closed. */
async function panel(page: Page): Promise<Locator> {
  const region = page.getByRole('region', { name: 'Comments' });
  if (!(await region.isVisible())) await page.getByTestId('open-comments').click();
  await expect(region).toBeVisible();
  return region;
}

/** Selects the text `text` in the page's editor (its first occurrence), as a drag would. */
async function select(page: Page, text: string): Promise<void> {
  await page.getByTestId('editor').focus();
  await page.evaluate((wanted) => {
    const editor = document.querySelector('[data-testid="editor"]')!;
    const walker = document.createTreeWalker(editor, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent!.indexOf(wanted);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + wanted.length);
      getSelection()!.removeAllRanges();
      getSelection()!.addRange(range);
      return;
    }
    throw new Error(`"${wanted}" is not in the editor`);
  }, text);
}

/** The text of every element matching `selector` in the page's editor, joined (a mark may be drawn in pieces). */
function marked(page: Page, selector: string): Promise<string> {
  return page
    .getByTestId('editor')
    .locator(selector)
    .allTextContents()
    .then((parts) => parts.join(''));
}

/** Waits until all pages show `text`, with no suggestion left in it. */
async function expectAllRead(pages: Page[], text: string): Promise<void> {
  for (const page of pages) {
    await expect.poll(() => docText(page)).toBe(text);
    await expect(page.getByTestId('editor').locator('ins, del')).toHaveCount(0);
  }
}

test('three people review a document: comments, a commenter’s suggestions accepted and rejected, a forged edit refused, a restore that keeps comments', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const olga = await signIn(browser, 'Olga', 'owner');
  await olga.getByTestId('editor').click();
  await olga.keyboard.type(TEXT);
  await expect(olga.getByTestId('connection-status')).toHaveAttribute('data-save', 'saved');
  const ownerToken = await mintToken(SECRET, 'Olga', { [DOC]: 'owner' });
  const named = await fetch(`${server.url}/api/docs/${DOC}/versions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ownerToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'First draft' }),
  });
  expect(named.status).toBe(201);
  const ed = await signIn(browser, 'Ed', 'editor');
  const cem = await signIn(browser, 'Cem', 'commenter');
  const everyone = [olga, ed, cem];
  for (const page of everyone) await expect.poll(() => docText(page)).toBe(TEXT);

  // Cem comments on a sentence; Ed sees the highlight and replies; Cem resolves it for everyone.
  await select(cem, 'The budget is tight.');
  await cem.keyboard.press('Control+Alt+m');
  await cem.getByTestId('comment-composer-input').fill('Which budget, marketing or engineering?');
  await cem.getByTestId('comment-composer-input').press('Enter');
  const edPanel = await panel(ed);
  await expect.poll(() => marked(ed, '.comment-highlight')).toBe('The budget is tight.');
  const thread = edPanel.getByTestId('comment-thread');
  await expect(thread).toContainText('Which budget, marketing or engineering?');
  await thread.getByTestId('comment-reply-input').fill('Engineering. I will add the figure.');
  await thread.getByTestId('comment-reply-input').press('Enter');
  const cemPanel = await panel(cem);
  await expect(cemPanel.getByTestId('comment-message')).toHaveCount(2);
  await cemPanel.getByTestId('comment-resolve').click();
  for (const page of everyone) {
    const open = await panel(page);
    await expect(open.getByTestId('comment-thread')).toHaveCount(0);
    await expect(page.locator('[data-testid="editor"] .comment-highlight')).toHaveCount(0);
  }

  // Cem cannot edit directly: what he types is a suggestion, which Ed accepts.
  await cem.getByTestId('editor').focus();
  await cem.keyboard.press('Control+End');
  await cem.keyboard.type(' We asked for more.');
  for (const page of everyone)
    await expect.poll(() => marked(page, 'ins.suggested-insertion')).toBe(' We asked for more.');
  await (await panel(ed)).getByRole('button', { name: 'Accept suggestion by Cem' }).click();
  await expectAllRead(everyone, `${TEXT} We asked for more.`);

  // A second suggestion, to strike "tight": Olga rejects it and the text is as before for all.
  await select(cem, 'tight');
  await cem.keyboard.press('Backspace');
  for (const page of everyone) await expect.poll(() => marked(page, 'del.suggested-deletion')).toBe('tight');
  const card = (await panel(olga)).getByTestId('suggestion');
  await expect(card).toContainText('Delete: “tight”');
  await card.getByRole('button', { name: 'Reject suggestion by Cem' }).click();
  await expectAllRead(everyone, `${TEXT} We asked for more.`);

  // A hand-made update from Cem's token that inserts plain text: refused whole, nothing changes.
  const token = await mintToken(SECRET, 'Cem', { [DOC]: 'commenter' });
  const client = new TandemClient({ url: server.url, socket: { auth: { token } } });
  try {
    const session = client.open(DOC);
    await session.whenSynced();
    const paragraph = session.doc.getXmlFragment(CONTENT_FRAGMENT).get(0) as Y.XmlElement;
    (paragraph.get(0) as Y.XmlText).insert(0, 'Approved. ', {});
    await expect.poll(() => session.status.error?.code).toBe('FORBIDDEN');
  } finally {
    client.destroy();
  }
  const exported = await fetch(`${server.url}/api/docs/${DOC}/export?format=markdown`, {
    headers: { authorization: `Bearer ${ownerToken}` },
  });
  expect(await exported.text()).not.toContain('Approved');
  await expectAllRead(everyone, `${TEXT} We asked for more.`);

  // Cem comments on the accepted sentence; Olga restores the first draft, which lacks it: the thread
  // stays, on deleted text with its quote, and the restore says so.
  await select(cem, 'We asked for more.');
  await cem.keyboard.press('Control+Alt+m');
  await cem.getByTestId('comment-composer-input').fill('How much more?');
  await cem.getByTestId('comment-composer-input').press('Enter');
  await expect((await panel(olga)).getByTestId('comment-thread')).toContainText('How much more?');
  await olga.getByTestId('open-history').click();
  const history = olga.getByTestId('history-panel');
  await history.locator('[data-testid="history-version"][data-name="First draft"]').click();
  await history.getByTestId('history-restore').click();
  await expect(history.getByTestId('history-status')).toContainText(
    'The open comment is kept; it is on text this version does not have, shown with its quote.',
  );
  await history.getByTestId('history-close').click();
  for (const page of everyone) {
    await expect.poll(() => docText(page)).toBe(TEXT);
    const thread = (await panel(page)).getByTestId('comment-thread');
    await expect(thread.getByTestId('comment-deleted')).toHaveText('On deleted text');
    await expect(thread.getByTestId('comment-quote')).toContainText('We asked for more.');
  }

  // Olga, the owner, deletes Cem's thread (only an owner may delete someone else's), after confirming.
  const olgasPanel = await panel(olga);
  await olgasPanel.getByRole('button', { name: "Delete Cem's comment" }).click();
  const confirm = olga.getByRole('dialog', { name: 'Delete this comment thread?' });
  await expect(confirm).toContainText('The comment will be deleted for everyone.');
  await confirm.getByRole('button', { name: 'Delete' }).click();
  for (const page of everyone) await expect((await panel(page)).getByTestId('comment-thread')).toHaveCount(0);
  for (const page of everyone) await page.context().close();
});
