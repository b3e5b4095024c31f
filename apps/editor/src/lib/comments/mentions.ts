import type { CommentPerson } from '@tandem/crdt-bridge';
import { MAX_MENTIONS } from '@tandem/crdt-bridge';

/** An `@` being typed: where it starts in the text and what follows it so far. */
export interface MentionQuery {
  start: number;
  query: string;
}

/** Longest run after `@` still read as a name being typed (names are at most 60 characters). */
const MAX_QUERY = 60;

/**
 * The mention being typed just before `caret`, if any: an `@` at the start or after a space,
 * followed by at most two words without a line break.
 */
export function mentionQuery(text: string, caret: number): MentionQuery | null {
  const before = text.slice(Math.max(0, caret - MAX_QUERY - 1), caret);
  const at = before.lastIndexOf('@');
  if (at < 0) return null;
  const start = caret - before.length + at;
  if (start > 0 && !/\s/.test(text[start - 1]!)) return null;
  const query = before.slice(at + 1);
  if (/[\n@]/.test(query) || query.split(' ').length > 2) return null;
  return { start, query };
}

/** People whose name matches `query` (any word starting with it, case-insensitive), best first. */
export function matchPeople(people: readonly CommentPerson[], query: string): CommentPerson[] {
  const q = query.trim().toLowerCase();
  const starts = (p: CommentPerson) => p.name.toLowerCase().startsWith(q);
  const wordStarts = (p: CommentPerson) =>
    p.name
      .toLowerCase()
      .split(/\s+/)
      .some((w) => w.startsWith(q));
  return people
    .filter((p) => q === '' || wordStarts(p) || p.name.toLowerCase().startsWith(q))
    .sort((a, b) => Number(starts(b)) - Number(starts(a)) || a.name.localeCompare(b.name));
}

/** Replaces the mention being typed with `@Name ` and says where the caret goes. */
export function insertMention(
  text: string,
  mention: MentionQuery,
  caret: number,
  person: CommentPerson,
): { text: string; caret: number } {
  const rest = text.slice(caret);
  // One space after the name: the one already there, or a new one.
  const inserted = /^\s/.test(rest) ? `@${person.name}` : `@${person.name} `;
  const end = mention.start + inserted.length;
  return { text: text.slice(0, mention.start) + inserted + rest, caret: /^\s/.test(rest) ? end + 1 : end };
}

/** The chosen people still named `@Name` in `text`, each once, at most MAX_MENTIONS. */
export function mentionsIn(text: string, chosen: readonly CommentPerson[]): CommentPerson[] {
  const seen = new Set<string>();
  const kept: CommentPerson[] = [];
  for (const person of chosen) {
    if (seen.has(person.id) || !text.includes(`@${person.name}`)) continue;
    seen.add(person.id);
    kept.push(person);
  }
  return kept.slice(0, MAX_MENTIONS);
}

/** A piece of a message to draw: plain text, or a mention of someone. */
export interface MessagePart {
  text: string;
  mention: CommentPerson | null;
}

/** Splits a message into plain text and its mentions (`@Name` of someone in `mentions`), longest names first. */
export function messageParts(text: string, mentions: readonly CommentPerson[]): MessagePart[] {
  if (mentions.length === 0) return [{ text, mention: null }];
  const byName = [...mentions].sort((a, b) => b.name.length - a.name.length);
  const parts: MessagePart[] = [];
  let plain = '';
  let i = 0;
  while (i < text.length) {
    const person = text[i] === '@' ? byName.find((p) => text.startsWith(`@${p.name}`, i)) : undefined;
    if (person) {
      if (plain) parts.push({ text: plain, mention: null });
      plain = '';
      parts.push({ text: `@${person.name}`, mention: person });
      i += person.name.length + 1;
    } else {
      plain += text[i];
      i += 1;
    }
  }
  if (plain) parts.push({ text: plain, mention: null });
  return parts;
}
