import type { SearchSnippetJSON } from '@tandem/crdt-bridge/api';

/**
 * Most characters of a document's text the search index holds: the first million (about
 * 1 MB of ordinary text). Words past it are not found; the title always is.
 */
export const MAX_INDEXED_CHARS = 1_000_000;

/** Marks the storage's snippet functions put around a match; never left in indexed text, so they cannot be forged. */
export const MATCH_START = '\u0002';
/** See {@link MATCH_START}. */
export const MATCH_END = '\u0003';

/** Control characters other than tab and newline: no use to a reader, and the two above among them. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** A document's text as the index holds it: control characters as spaces, cut to {@link MAX_INDEXED_CHARS}. */
export function indexableText(text: string): string {
  let cut = text.length > MAX_INDEXED_CHARS ? text.slice(0, MAX_INDEXED_CHARS) : text;
  // Never end on half of a surrogate pair.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return cut.replace(CONTROL, ' ');
}

/** A search as typed, with control characters as spaces (PostgreSQL refuses a NUL in text). */
export function cleanSearch(q: string): string {
  return q.replace(CONTROL, ' ').trim();
}

/** What the index is given for a document: its title and text, cleaned, the text cut (see {@link indexableText}). */
export function indexedText(title: string, body: string): { title: string; body: string } {
  return { title: title.replace(CONTROL, ' '), body: indexableText(body) };
}

/** Longest word searched for; longer ones are cut (no real word is this long). */
const MAX_TERM_LENGTH = 100;
/** Most words searched for at once; the rest are ignored. */
const MAX_TERMS = 16;

/**
 * The words of a search as plain strings: split at spaces, keeping only those with a letter
 * or digit. Quotes, `*`, `-`, `NEAR` and the like mean nothing here — each store quotes every
 * word it is given, so no input is ever read as query syntax.
 */
export function searchTerms(q: string): string[] {
  return q
    .split(/\s+/u)
    .filter((word) => /[\p{L}\p{N}]/u.test(word))
    .slice(0, MAX_TERMS)
    .map((word) => word.slice(0, MAX_TERM_LENGTH));
}

/**
 * A snippet from the store's marked text: the marks become ranges and are taken out, and
 * line breaks and runs of spaces read as one space (a snippet is shown as one passage).
 */
export function snippetJson(marked: string): SearchSnippetJSON {
  const highlights: SearchSnippetJSON['highlights'] = [];
  let text = '';
  let start = -1;
  for (const char of marked.trim()) {
    if (char === MATCH_START) start = text.length;
    else if (char === MATCH_END) {
      if (start >= 0 && text.length > start) highlights.push({ start, end: text.length });
      start = -1;
    } else if (/\s/u.test(char)) {
      if (!text.endsWith(' ')) text += ' ';
    } else text += char;
  }
  return { text, highlights };
}

/** Words of a passage shown when only a document's title matched: its opening, cut at a word. */
const OPENING_CHARS = 160;

/** The start of a document's text, as the snippet of a document whose title alone matched. */
export function openingOf(body: string): string {
  const flat = body.replace(/\s+/gu, ' ').trim();
  if (flat.length <= OPENING_CHARS) return flat;
  const cut = flat.slice(0, OPENING_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${space > OPENING_CHARS / 2 ? cut.slice(0, space) : cut}…`;
}
