import * as Y from 'yjs';
import { cutText } from '../cut.js';
import { firstTextLine } from './text.js';

/**
 * The shared document's map of metadata. It holds plain values beside the body (only
 * the title today); a restore brings back all of them.
 */
export const META_MAP = 'meta';

/** The key of the title in {@link META_MAP}. */
export const TITLE_KEY = 'title';

/**
 * Longest title, in UTF-16 code units (what an HTML `maxlength` counts): of a title set
 * by hand, a rename, an import, a copy, and of one taken from the first line. The
 * server refuses an update that stores a longer one.
 */
export const MAX_TITLE_LENGTH = 200;

/** `text` as a title: trimmed, cut to {@link MAX_TITLE_LENGTH}; "" when blank. */
export function cleanTitle(text: string): string {
  return cutText(text.trim(), MAX_TITLE_LENGTH).trim();
}

/**
 * The title stored in the document, exactly as typed (untrimmed); "" when none is. With
 * `at`, the one stored at that snapshot of a document that keeps deleted content.
 */
export function storedTitle(doc: Y.Doc, at?: Y.Snapshot): string {
  const meta = doc.getMap(META_MAP);
  const value: unknown = at ? Y.typeMapGetSnapshot(meta, TITLE_KEY, at) : meta.get(TITLE_KEY);
  return typeof value === 'string' ? value : '';
}

/**
 * Stores `title` in the document as it is (a title field writes every keystroke, spaces
 * included), cut to {@link MAX_TITLE_LENGTH}; a blank one removes the stored title, so
 * the first line names the document again. Run it inside a transaction to give it an origin.
 */
export function setStoredTitle(doc: Y.Doc, title: string): void {
  const meta = doc.getMap(META_MAP);
  if (title.trim() === '') meta.delete(TITLE_KEY);
  else meta.set(TITLE_KEY, cutText(title, MAX_TITLE_LENGTH));
}

/** Why `value` cannot be stored as the title, or null when it can: text of at most {@link MAX_TITLE_LENGTH}. */
export function titleProblem(value: unknown): string | null {
  return typeof value === 'string' && value.length <= MAX_TITLE_LENGTH
    ? null
    : `The title must be text of at most ${MAX_TITLE_LENGTH} characters.`;
}

/**
 * A document's title: its stored title when set, else its first line with text, else ""
 * ({@link cleanTitle}d either way). With `at`, its title at that snapshot of a document
 * that keeps deleted content (a diff's merged document).
 */
export function docTitle(doc: Y.Doc, at?: Y.Snapshot): string {
  const stored = cleanTitle(storedTitle(doc, at));
  return stored !== '' ? stored : cleanTitle(firstTextLine(doc, at));
}
