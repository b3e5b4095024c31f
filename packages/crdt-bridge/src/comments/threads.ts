import * as Y from 'yjs';
import {
  COMMENTS_MAP,
  COMMENT_ID,
  MAX_QUOTE_LENGTH,
  parseAnchor,
  parseMessage,
  parsePerson,
  type CommentAnchor,
  type CommentMessage,
  type CommentPerson,
  type CommentThread,
} from './model.js';

/** The thread fields that never change once a thread exists (only `status*` and `messages` do). */
export const FIXED_THREAD_FIELDS = ['id', 'anchor', 'suggestion', 'quote', 'author', 'createdAt'] as const;

/** The document's comment threads, by id. */
export function commentsMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap(COMMENTS_MAP);
}

/**
 * A thread as stored under `key`, checked: null unless every field is valid. Messages that
 * are not valid are left out (a thread stays readable when one message is not).
 */
export function readThread(key: string, value: unknown): CommentThread | null {
  if (!(value instanceof Y.Map) || !COMMENT_ID.test(key) || value.get('id') !== key) return null;
  const anchorIn = value.get('anchor');
  const anchor = anchorIn === null || anchorIn === undefined ? null : parseAnchor(anchorIn);
  const suggestion = value.get('suggestion') ?? null;
  const quote = value.get('quote');
  const author = parsePerson(value.get('author'));
  const createdAt = value.get('createdAt');
  const status = value.get('status');
  const statusByIn = value.get('statusBy') ?? null;
  const statusBy = statusByIn === null ? null : parsePerson(statusByIn);
  const statusAt = value.get('statusAt') ?? null;
  const messagesIn = value.get('messages');
  if (anchorIn !== null && anchorIn !== undefined && anchor === null) return null;
  if (suggestion !== null && (typeof suggestion !== 'string' || !COMMENT_ID.test(suggestion))) return null;
  if ((anchor === null) === (suggestion === null)) return null; // exactly one of the two
  if (typeof quote !== 'string' || quote.length > MAX_QUOTE_LENGTH || author === null) return null;
  if (typeof createdAt !== 'number' || (status !== 'open' && status !== 'resolved')) return null;
  if ((statusByIn !== null && statusBy === null) || (statusAt !== null && typeof statusAt !== 'number')) return null;
  if (!(messagesIn instanceof Y.Map)) return null;
  const messages: CommentMessage[] = [];
  for (const [id, raw] of messagesIn.entries()) {
    const message = parseMessage(id, raw);
    if (message !== null) messages.push(message);
  }
  messages.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  return { id: key, anchor, suggestion, quote, author, createdAt, status, statusBy, statusAt, messages };
}

/** Every readable thread of `doc`, oldest first. */
export function readThreads(doc: Y.Doc): CommentThread[] {
  const threads: CommentThread[] = [];
  for (const [key, value] of commentsMap(doc).entries()) {
    const thread = readThread(key, value);
    if (thread !== null) threads.push(thread);
  }
  return threads.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

/** What opening a thread needs: where (or which suggestion), the text it quotes, and its first message. */
export interface NewThread {
  id: string;
  anchor: CommentAnchor | null;
  suggestion: string | null;
  quote: string;
  message: CommentMessage;
}

/** Opens a thread with its first message, in one transaction. */
export function createThread(doc: Y.Doc, thread: NewThread): void {
  doc.transact(() => {
    const map = new Y.Map<unknown>();
    const messages = new Y.Map<unknown>();
    commentsMap(doc).set(thread.id, map);
    map.set('id', thread.id);
    map.set('anchor', thread.anchor);
    map.set('suggestion', thread.suggestion);
    map.set('quote', thread.quote.slice(0, MAX_QUOTE_LENGTH));
    map.set('author', thread.message.author);
    map.set('createdAt', thread.message.createdAt);
    map.set('status', 'open');
    map.set('statusBy', null);
    map.set('statusAt', null);
    map.set('messages', messages);
    messages.set(thread.message.id, thread.message);
  });
}

function messagesOf(doc: Y.Doc, threadId: string): Y.Map<unknown> | null {
  const messages = commentsMap(doc).get(threadId)?.get('messages');
  return messages instanceof Y.Map ? messages : null;
}

/** Adds a reply (or replaces a message with an edited copy: same id, same author). */
export function putMessage(doc: Y.Doc, threadId: string, message: CommentMessage): void {
  messagesOf(doc, threadId)?.set(message.id, message);
}

/** Deletes one message of a thread. */
export function deleteMessage(doc: Y.Doc, threadId: string, messageId: string): void {
  messagesOf(doc, threadId)?.delete(messageId);
}

/** Deletes a whole thread. */
export function deleteThread(doc: Y.Doc, threadId: string): void {
  commentsMap(doc).delete(threadId);
}

/** Resolves or reopens a thread. */
export function setThreadStatus(
  doc: Y.Doc,
  threadId: string,
  status: 'open' | 'resolved',
  by: CommentPerson,
  at: number,
): void {
  const thread = commentsMap(doc).get(threadId);
  if (!thread) return;
  doc.transact(() => {
    thread.set('status', status);
    thread.set('statusBy', by);
    thread.set('statusAt', at);
  });
}
