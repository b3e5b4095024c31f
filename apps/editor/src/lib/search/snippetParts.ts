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

/**
 * The snippet with at most about `maxLead` characters before its first match, cut at a word
 * and marked "…": the list shows two lines of a snippet, and on a phone the server's context
 * before the match would fill both and hide the very word that was searched for.
 */
export function leadUpToMatch(snippet: SearchSnippetJSON, maxLead = 32): SearchSnippetJSON {
  const first = snippet.highlights[0];
  if (!first || first.start <= maxLead) return snippet;
  const space = snippet.text.indexOf(' ', first.start - maxLead);
  const cut = space === -1 || space >= first.start ? first.start : space + 1;
  const shift = cut - 1; // the "…" takes one character
  return {
    text: `…${snippet.text.slice(cut)}`,
    highlights: snippet.highlights
      .filter(({ start }) => start >= cut)
      .map(({ start, end }) => ({ start: start - shift, end: end - shift })),
  };
}
