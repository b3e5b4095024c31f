import { Fragment, Slice, type ResolvedPos } from 'prosemirror-model';
import { schema } from '@tandem/crdt-bridge';
import { parseMarkdown } from '@tandem/crdt-bridge/markdown';

/** Plain text that is very probably Markdown: headings, lists, quotes, fences, emphasis or links. */
const MARKDOWN_HINTS = /^(#{1,6}\s|\s*[-*+]\s|\s*\d+\.\s|>\s|```)|\*\*[^*]+\*\*|\[[^\]]+\]\([^)]+\)|`[^`]+`/m;
/** A GFM table's delimiter row, like "| --- | :-: |": only pipes, dashes, colons and spaces, with a pipe and a dash. */
const TABLE_DELIMITER_ROW = /^(?=[^\n]*\|)(?=[^\n]*-)[ \t|:-]+$/m;

/**
 * Turns pasted plain text into content: Markdown becomes structure (headings,
 * lists, links…), anything else becomes paragraphs, one per line. Shift-paste
 * ("paste as plain text") always keeps the text as typed.
 */
export function markdownClipboardParser(text: string, $context: ResolvedPos, plain: boolean): Slice {
  const markdown =
    !plain && !$context.parent.type.spec.code && (MARKDOWN_HINTS.test(text) || TABLE_DELIMITER_ROW.test(text));
  if (markdown) {
    const doc = parseMarkdown(text);
    // Open ends let a single pasted paragraph flow into the one being typed in; a table at
    // an end is pasted whole (opened, its rows would be poured into the paragraph).
    const open = (node: typeof doc.firstChild): number => (node?.type === schema.nodes.table ? 0 : 1);
    return new Slice(doc.content, open(doc.firstChild), open(doc.lastChild));
  }
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => schema.nodes.paragraph!.create(null, line ? schema.text(line) : null));
  return new Slice(Fragment.from(paragraphs), 1, 1);
}
