import { Fragment, Slice, type ResolvedPos } from 'prosemirror-model';
import { parseMarkdown, schema } from '@tandem/crdt-bridge';

/** Plain text that is very probably Markdown: headings, lists, quotes, fences, emphasis or links. */
const MARKDOWN_HINTS = /^(#{1,6}\s|\s*[-*+]\s|\s*\d+\.\s|>\s|```)|\*\*[^*]+\*\*|\[[^\]]+\]\([^)]+\)|`[^`]+`/m;

/**
 * Turns pasted plain text into content: Markdown becomes structure (headings,
 * lists, links…), anything else becomes paragraphs, one per line. Shift-paste
 * ("paste as plain text") always keeps the text as typed.
 */
export function markdownClipboardParser(text: string, $context: ResolvedPos, plain: boolean): Slice {
  if (!plain && !$context.parent.type.spec.code && MARKDOWN_HINTS.test(text)) {
    const doc = parseMarkdown(text);
    // Open ends let a single pasted paragraph flow into the one being typed in.
    return new Slice(doc.content, 1, 1);
  }
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => schema.nodes.paragraph!.create(null, line ? schema.text(line) : null));
  return new Slice(Fragment.from(paragraphs), 1, 1);
}
