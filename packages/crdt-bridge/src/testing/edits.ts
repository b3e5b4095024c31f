import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from '../schema/schema.js';
import { randomCommentEdit, randomSuggestionEdit } from './commentEdits.js';
import type { Random } from './random.js';

/** Name of the plain Y.Text that randomized tests edit beside the ProseMirror fragment. */
export const TEST_TEXT = 't';

/** Makes one random change to `text`: insert a word, delete a range, or bold a range. */
export function randomTextEdit(random: Random, text: Y.Text): void {
  const length = text.length;
  const roll = length === 0 ? 0 : random.next();
  if (roll < 0.6) {
    text.insert(random.int(length + 1), random.word());
  } else if (roll < 0.9) {
    const index = random.int(length);
    text.delete(index, random.between(1, Math.min(5, length - index)));
  } else {
    const index = random.int(length);
    text.format(index, random.between(1, length - index), { bold: random.chance(0.5) ? true : null });
  }
}

/**
 * Sets a heading's level. y-prosemirror stores node attributes with their own types (a
 * number here, which the schema checks); Yjs's typings assume string attributes.
 */
function setLevel(block: Y.XmlElement, level: number): void {
  (block as unknown as Y.XmlElement<{ level: number }>).setAttribute('level', level);
}

/** The first Y.XmlText inside a block, where its inline content lives. */
function inlineOf(block: Y.XmlElement): Y.XmlText | null {
  for (const child of block.toArray()) if (child instanceof Y.XmlText) return child;
  return null;
}

/** A new paragraph or heading holding `words`, shaped as y-prosemirror stores blocks. */
function newBlock(random: Random, words: string): Y.XmlElement {
  const block = new Y.XmlElement(random.chance(0.2) ? 'heading' : 'paragraph');
  if (block.nodeName === 'heading') setLevel(block, random.between(1, 3));
  const inline = new Y.XmlText();
  inline.insert(0, words);
  block.insert(0, [inline]);
  return block;
}

/**
 * Makes one random change to a ProseMirror-shaped fragment (blocks of paragraph or
 * heading, each holding one Y.XmlText): add or remove a block, type or delete inside
 * one, bold or italicise a range, or change a heading's level. Everything it makes
 * fits the Tandem schema, so a server that enforces the schema accepts it.
 */
export function randomXmlEdit(random: Random, fragment: Y.XmlFragment): void {
  const blocks = fragment.toArray().filter((node): node is Y.XmlElement => node instanceof Y.XmlElement);
  const roll = blocks.length === 0 ? 0 : random.next();
  if (roll < 0.2) {
    fragment.insert(random.int(fragment.length + 1), [newBlock(random, random.word())]);
    return;
  }
  if (roll < 0.27 && blocks.length > 1) {
    fragment.delete(random.int(fragment.length), 1);
    return;
  }
  const block = random.pick(blocks);
  if (roll < 0.32) {
    if (block.nodeName === 'heading') setLevel(block, random.between(1, 3));
    return;
  }
  const inline = inlineOf(block);
  if (!inline) return;
  const length = inline.length;
  if (roll < 0.75 || length === 0) {
    inline.insert(random.int(length + 1), random.word());
  } else if (roll < 0.93) {
    const index = random.int(length);
    inline.delete(index, random.between(1, Math.min(4, length - index)));
  } else {
    const index = random.int(length);
    // Marks as y-prosemirror stores them: the mark name, with its attributes (none for these).
    const mark = random.pick(['bold', 'italic']);
    inline.format(index, random.between(1, length - index), { [mark]: random.chance(0.5) ? {} : null });
  }
}

/**
 * Makes `count` random changes to `doc`, each in its own transaction (so each is its
 * own update on the wire), to the "t" text, the ProseMirror fragment, its suggestions or
 * the comment threads.
 */
export function randomEdits(random: Random, doc: Y.Doc, count = 1): void {
  for (let i = 0; i < count; i++) {
    const roll = random.next();
    if (roll < 0.45) doc.transact(() => randomTextEdit(random, doc.getText(TEST_TEXT)));
    else if (roll < 0.8) doc.transact(() => randomXmlEdit(random, doc.getXmlFragment(CONTENT_FRAGMENT)));
    else if (roll < 0.9) doc.transact(() => randomSuggestionEdit(random, doc));
    else doc.transact(() => randomCommentEdit(random, doc));
  }
}

/**
 * Random edits by random peers' documents — one or two changes every few milliseconds —
 * until `stop()`, which resolves with how many changes were made.
 */
export function startRandomEditing(random: Random, docs: readonly Y.Doc[]): { stop(): Promise<number> } {
  let running = true;
  let edits = 0;
  const loop = (async () => {
    while (running) {
      const count = random.between(1, 2);
      randomEdits(random, random.pick(docs), count);
      edits += count;
      await new Promise((resolve) => setTimeout(resolve, random.between(1, 6)));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return edits;
    },
  };
}
