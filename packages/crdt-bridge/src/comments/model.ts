import { cleanColor, cleanName, cleanUserId } from '../presence/state.js';

/** Name of the root `Y.Map` holding every comment thread of a document, by thread id. */
export const COMMENTS_MAP = 'comments';

/** What a thread or message id may look like: what the editor generates. */
export const COMMENT_ID = /^[A-Za-z0-9_-]{1,40}$/;
/** Longest message, in UTF-16 code units. */
export const MAX_MESSAGE_LENGTH = 5000;
/** Longest quote of the commented text kept with a thread. */
export const MAX_QUOTE_LENGTH = 1000;
/** Most people one message may mention. */
export const MAX_MENTIONS = 20;

/** Someone who wrote, resolved or was mentioned. */
export interface CommentPerson {
  /** A token's subject; in open mode, the browser's id. */
  id: string;
  name: string;
  /** `#rrggbb`. */
  color: string;
}

/** One message of a thread: the first opens it, the rest are replies. */
export interface CommentMessage {
  id: string;
  author: CommentPerson;
  text: string;
  /** People mentioned with `@Name` in `text`. */
  mentions: CommentPerson[];
  /** Milliseconds since the epoch, as the writer's clock said. */
  createdAt: number;
  /** When the author last changed `text`; null if never. */
  editedAt: number | null;
}

/**
 * Where a thread's text is: two Yjs relative positions (as `Y.relativePositionToJSON` gives
 * them) in the `prosemirror` fragment, made from ProseMirror positions by y-prosemirror's
 * `absolutePositionToRelativePosition`. They follow every edit, local and remote.
 */
export interface CommentAnchor {
  start: unknown;
  end: unknown;
}

/** open, or resolved (and by whom). */
export type ThreadStatus = 'open' | 'resolved';

/** A comment thread as stored (see PROTOCOL.md, "Comments and suggestions"). */
export interface CommentThread {
  id: string;
  /** Null for a thread that discusses a suggestion (then `suggestion` is set). */
  anchor: CommentAnchor | null;
  /** The suggestion (its marks' `id`) this thread discusses, or null. */
  suggestion: string | null;
  /** The commented text when the thread was opened (kept when that text is deleted). */
  quote: string;
  author: CommentPerson;
  createdAt: number;
  status: ThreadStatus;
  /** Who last resolved or reopened it, and when; null while never. */
  statusBy: CommentPerson | null;
  statusAt: number | null;
  /** Oldest first. */
  messages: CommentMessage[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** A person from untrusted input; null unless id, name and colour are all usable and already clean. */
export function parsePerson(value: unknown): CommentPerson | null {
  if (!isObject(value)) return null;
  const { id, name, color } = value;
  if (cleanUserId(id) === null || cleanName(name) !== name || cleanColor(color) !== color) return null;
  return { id: id as string, name: name as string, color: color as string };
}

/** A message from untrusted input (a thread's `messages` map value); null unless every field is valid. */
export function parseMessage(key: string, value: unknown): CommentMessage | null {
  if (!isObject(value) || value.id !== key || !COMMENT_ID.test(key)) return null;
  const author = parsePerson(value.author);
  const { text, createdAt, editedAt } = value;
  if (author === null || typeof text !== 'string' || text.trim() === '' || text.length > MAX_MESSAGE_LENGTH)
    return null;
  if (!isTime(createdAt) || (editedAt !== null && editedAt !== undefined && !isTime(editedAt))) return null;
  const mentionsIn = value.mentions ?? [];
  if (!Array.isArray(mentionsIn) || mentionsIn.length > MAX_MENTIONS) return null;
  const mentions: CommentPerson[] = [];
  for (const m of mentionsIn) {
    const person = parsePerson(m);
    if (person === null) return null;
    mentions.push(person);
  }
  return { id: key, author, text, mentions, createdAt, editedAt: editedAt ?? null };
}

/** An anchor from untrusted input: two relative positions' JSON; null unless both look like one. */
export function parseAnchor(value: unknown): CommentAnchor | null {
  if (!isObject(value) || !isRelativePosition(value.start) || !isRelativePosition(value.end)) return null;
  return { start: value.start, end: value.end };
}

function isRelativePosition(value: unknown): boolean {
  if (!isObject(value)) return false;
  const { item, type, tname, assoc } = value;
  const isId = (v: unknown) => isObject(v) && isTime(v.client) && isTime(v.clock);
  if (assoc !== undefined && assoc !== 0 && assoc !== -1) return false;
  return isId(item) || isId(type) || typeof tname === 'string';
}
