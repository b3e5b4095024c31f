import type { Mark, Node } from 'prosemirror-model';
import {
  DELETION_MARK,
  INSERTION_MARK,
  cleanColor,
  cleanName,
  cleanUserId,
  suggestionOf,
  type SuggestionAttrs,
} from '@tandem/crdt-bridge';

/** Who is suggesting: what every suggestion mark they make carries (besides its id). */
export interface SuggestionAuthor {
  /** A token's subject; in open mode, the browser's id. */
  id: string;
  name: string;
  /** `#rrggbb`, lower case. */
  color: string;
}

/** Stands in for a name or colour the marks would refuse. */
const FALLBACK = { name: 'Someone', color: '#6b6b70' };

/**
 * `author` as the marks accept it: a name and colour the schema would refuse (a link's name
 * too long, say) would make every keystroke throw, so they are cleaned or replaced; an id
 * the marks refuse gives way to `fallbackId`.
 */
export function cleanAuthor(
  author: { id: string | null; name: string; color: string },
  fallbackId: string,
): SuggestionAuthor {
  return {
    id: cleanUserId(author.id) ?? fallbackId,
    name: cleanName(author.name) ?? FALLBACK.name,
    color: cleanColor(author.color) ?? FALLBACK.color,
  };
}

/** The suggestion marks' attributes for `author`'s suggestion `id`. */
export function suggestionAttrs(author: SuggestionAuthor, id: string): SuggestionAttrs {
  return { id, author: author.id, name: author.name, color: author.color };
}

/** The insertion or deletion mark `node` carries, if any. */
export function suggestionMarkOf(node: Node | null | undefined, kind: 'insertion' | 'deletion'): Mark | null {
  const name = kind === 'insertion' ? INSERTION_MARK : DELETION_MARK;
  return node?.marks.find((m) => m.type.name === name) ?? null;
}

/** The id of `kind` suggestion `authorId` made on `node`, or null when the node carries none of theirs. */
export function ownSuggestionId(
  node: Node | null | undefined,
  kind: 'insertion' | 'deletion',
  authorId: string,
): string | null {
  const mark = suggestionMarkOf(node, kind);
  return mark && suggestionOf(mark).author === authorId ? suggestionOf(mark).id : null;
}

/** 16 random URL-safe characters: a fresh suggestion id (`crypto.randomUUID` needs a secure context). */
export function newSuggestionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}
