import type { Node as PMNode } from 'prosemirror-model';

/** Words and characters in some text. */
export interface TextCount {
  words: number;
  characters: number;
}

// One segmenter for the page: creating one is far dearer than using it.
const words = new Intl.Segmenter(undefined, { granularity: 'word' });
const HYPHENS = new Set(['-', '\u2010', '\u2011']);

/** Scripts written without spaces between words: only the segmenter knows where their words end. */
const UNSPACED =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
/** A word in a spaced script: letters, digits and marks, with apostrophes and hyphens inside. */
const SPACED_WORD = /[\p{L}\p{N}\p{M}]+(?:['’\u2010\u2011-][\p{L}\p{N}\p{M}]+)*/gu;

/** Words by the segmenter, joining "well-known" (three segments) into one word as a reader would. */
function segmentedWords(text: string): number {
  let count = 0;
  let previous: 'word' | 'hyphen-after-word' | 'other' = 'other';
  for (const segment of words.segment(text)) {
    if (segment.isWordLike) {
      if (previous !== 'hyphen-after-word') count++;
      previous = 'word';
    } else previous = previous === 'word' && HYPHENS.has(segment.segment) ? 'hyphen-after-word' : 'other';
  }
  return count;
}

/**
 * Counts words as people do: runs of letters or digits (with the apostrophes and hyphens
 * inside them) are one word each; in Chinese, Japanese or Thai each word the browser finds
 * counts. Characters are every character but line breaks. Text in spaced scripts takes a
 * regular expression, many times faster than the segmenter on a long document.
 */
export function countText(text: string): TextCount {
  const wordCount = UNSPACED.test(text) ? segmentedWords(text) : (text.match(SPACED_WORD)?.length ?? 0);
  let characters = 0;
  for (const char of text) if (char !== '\n') characters++;
  return { words: wordCount, characters };
}

// Nodes never change, so a block's count holds as long as the block does: typing recounts one block, not the document.
const counted = new WeakMap<PMNode, TextCount>();

/** The words and characters of a node (a document or any block), remembered per unchanged block. */
export function countNode(node: PMNode): TextCount {
  const known = counted.get(node);
  if (known) return known;
  let count: TextCount;
  if (node.isTextblock) count = countText(node.textBetween(0, node.content.size, '\n', '\n'));
  else {
    count = { words: 0, characters: 0 };
    node.forEach((child) => {
      const part = countNode(child);
      count.words += part.words;
      count.characters += part.characters;
    });
  }
  counted.set(node, count);
  return count;
}

/** The words and characters between two positions of `doc` (a selection). */
export function countRange(doc: PMNode, from: number, to: number): TextCount {
  return countText(doc.textBetween(from, to, '\n', '\n'));
}

const number = new Intl.NumberFormat();

/** "1 word" or "1,234 words". */
function plural(n: number, one: string, many: string): string {
  return `${number.format(n)} ${n === 1 ? one : many}`;
}

/** The status line: "1,234 words · 6,789 characters", or with a selection "12 of 1,234 words · 60 of 6,789 characters". */
export function countLabel(total: TextCount, selected: TextCount | null): string {
  if (!selected)
    return `${plural(total.words, 'word', 'words')} · ${plural(total.characters, 'character', 'characters')}`;
  return `${number.format(selected.words)} of ${plural(total.words, 'word', 'words')} · ${number.format(selected.characters)} of ${plural(total.characters, 'character', 'characters')}`;
}
