import { expect, expectConverged, test, type DocPage } from '../fixtures/index.js';

/** How many characters each person types per round. */
const RUN = 20;

/** How often a letter occurs in `text`. */
function count(text: string, letter: string): number {
  return text.split(letter).length - 1;
}

/** Both put their caret at the very end of the document. */
async function bothAtEnd(users: readonly DocPage[]): Promise<void> {
  for (const user of users) await user.moveCaret('Control+End');
}

/**
 * yjs/y-prosemirror#161: when two people type into the same new, empty line at the
 * same moment, each editor used to create its own Yjs text for that line; merging
 * the two copied characters, so the documents agreed but held some letters twice.
 * Each round here has a good chance of showing it, so several rounds almost surely do.
 */
test('two people typing on the same new line at the same time keep exactly what each typed', async ({
  alice,
  bob,
  docId,
}) => {
  await alice.open(docId);
  await bob.open(docId);
  await alice.typeText('start');
  await bob.expectText('start');

  const lines = ['start'];
  for (let round = 1; round <= 6; round++) {
    // Alice opens a fresh empty line (a list item in the last round); both put their caret on it.
    await alice.typeText(round === 6 ? '\n- ' : '\n');
    await bob.expectText([...lines, ''].join('\n'));
    await bothAtEnd([alice, bob]);

    await Promise.all([alice.page.keyboard.type('a'.repeat(RUN)), bob.page.keyboard.type('B'.repeat(RUN))]);

    const text = await expectConverged([alice, bob]);
    const line = text.split('\n').at(-1) ?? '';
    expect(
      { a: count(line, 'a'), B: count(line, 'B'), length: line.length },
      `round ${round}: the new line holds each person's ${RUN} letters once (it reads "${line}")`,
    ).toEqual({ a: RUN, B: RUN, length: 2 * RUN });
    expect(text.split('\n').slice(0, -1), `round ${round}: the lines above are untouched`).toEqual(lines);
    lines.push(line);
  }
  await expect(bob.editor.locator('ul > li')).toHaveCount(1);
  await alice.waitSaved();
  await bob.waitSaved();
});
