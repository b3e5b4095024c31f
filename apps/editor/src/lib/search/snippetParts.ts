import type { SearchSnippetJSON } from '@tandem/crdt-bridge';

/** A run of a snippet's text, highlighted or not. */
export interface SnippetPart {
  text: string;
  match: boolean;
}

/**
 * A snippet as runs of plain text, the matches marked: the page renders each as a text node
 * (in a `<mark>` when it matched), so a document's text is never read as markup. Ranges out
 * of order, overlapping or outside the text are skipped rather than trusted.
 */
export function snippetParts(snippet: SearchSnippetJSON): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let at = 0;
  for (const { start, end } of snippet.highlights) {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < at || end <= start || end > snippet.text.length)
      continue;
    if (start > at) parts.push({ text: snippet.text.slice(at, start), match: false });
    parts.push({ text: snippet.text.slice(start, end), match: true });
    at = end;
  }
  if (at < snippet.text.length) parts.push({ text: snippet.text.slice(at), match: false });
  return parts;
}
