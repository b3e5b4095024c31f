import { expect, expectConverged, OFFLINE, SERVER_UNREACHABLE, test } from '../fixtures/index.js';

// While cut off, the page's reconnection attempts fail and Chromium logs each one.
test.use({ allowedConsoleErrors: [SERVER_UNREACHABLE] });

test('a person who loses the connection keeps editing, and both sides converge when it returns', async ({
  openUser,
  docId,
}) => {
  const alice = await openUser('alice', { cuttable: true });
  const bob = await openUser('bob');
  await alice.open(docId);
  await bob.open(docId);
  await alice.typeText('Shared start.');
  await bob.expectText('Shared start.');
  await alice.waitSaved();

  await alice.network.disconnect();
  await expect(alice.status).toHaveText(OFFLINE);
  await expect(alice.status).toHaveAttribute('data-connection', 'offline');

  // Both edit while cut off from each other.
  await alice.typeText(' Alice wrote this offline.', 'end');
  await bob.typeText('Bob wrote this online. ', 'start');
  await bob.waitSaved();
  await expect(alice.status).toHaveAttribute('data-save', 'saving');
  await expect(alice.status).toHaveText(OFFLINE);

  // The cut is real: neither sees the other's edit.
  await alice.expectText('Shared start. Alice wrote this offline.');
  await bob.expectText('Bob wrote this online. Shared start.');
  // And the page keeps trying to come back.
  await expect.poll(() => alice.network.refusedAttempts, { timeout: 5_000 }).toBeGreaterThan(0);

  await alice.network.restore();
  await alice.waitSaved(15_000);

  const both = 'Bob wrote this online. Shared start. Alice wrote this offline.';
  expect(await expectConverged([alice, bob])).toBe(both);
  await bob.waitSaved();

  // The server holds the merged document, not just the two browsers.
  const carol = await openUser('carol');
  await carol.open(docId);
  await carol.expectText(both);
});

test('edits on both sides of a cut in the same paragraph merge without losing a character', async ({
  openUser,
  docId,
}) => {
  const alice = await openUser('alice', { cuttable: true });
  const bob = await openUser('bob');
  await alice.open(docId);
  await bob.open(docId);
  await alice.typeText('# Plan\n');
  await bob.expectText('Plan\n');

  await alice.network.disconnect();
  await expect(alice.status).toHaveText(OFFLINE);
  await Promise.all([alice.typeText('alice-1 alice-2 alice-3'), bob.typeText('bob-1 bob-2 bob-3')]);
  await bob.waitSaved();

  await alice.network.restore();
  await alice.waitSaved(15_000);

  const text = await expectConverged([alice, bob]);
  const [heading, body = ''] = text.split('\n');
  expect(heading).toBe('Plan');
  // Concurrent inserts at one position: one run goes first, neither is split or lost.
  expect(['alice-1 alice-2 alice-3bob-1 bob-2 bob-3', 'bob-1 bob-2 bob-3alice-1 alice-2 alice-3']).toContain(body);
  await expect(bob.editor.locator('h1')).toHaveCount(1);
});
