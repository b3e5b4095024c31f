import * as Y from 'yjs';
import {
  FIXED_THREAD_FIELDS,
  commentsMap,
  parseMessage,
  readThread,
  type CommentMessage,
} from '@tandem/crdt-bridge/comments';
import type { Role } from '@tandem/crdt-bridge/protocol';

/** Who sent an update: `id` is the token's subject, null in open mode (where anyone is anyone). */
export interface Sender {
  id: string | null;
  role: Role;
}

/** Why an update's change to the comments is refused: it breaks a rule, or a value is not a comment at all. */
export interface CommentProblem {
  kind: 'forbidden' | 'malformed';
  reason: string;
}

const STATUS_FIELDS = new Set(['status', 'statusBy', 'statusAt']);
const KNOWN_FIELDS = new Set<string>([...FIXED_THREAD_FIELDS, ...STATUS_FIELDS, 'messages']);

const forbidden = (reason: string): CommentProblem => ({ kind: 'forbidden', reason });
const malformed = (reason: string): CommentProblem => ({ kind: 'malformed', reason });

/** Plain JSON values compared by content, with object keys in any order. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof Y.AbstractType || b instanceof Y.AbstractType) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Whether two Yjs types (one per document) are the same shared type: written by the same item. */
function sameType(a: unknown, b: unknown): boolean {
  if (!(a instanceof Y.AbstractType) || !(b instanceof Y.AbstractType)) return false;
  const ia = a._item?.id;
  const ib = b._item?.id;
  return ia !== undefined && ib !== undefined && ia.client === ib.client && ia.clock === ib.clock;
}

/** Whether `person` is the sender (always, in open mode). */
function isSender(sender: Sender, personId: string | undefined): boolean {
  return sender.id === null || personId === sender.id;
}

/** Every message of a thread's `messages` map parsed, or null when one does not parse. */
function parsedMessages(messages: unknown): CommentMessage[] | null {
  if (!(messages instanceof Y.Map)) return null;
  const parsed: CommentMessage[] = [];
  for (const [key, value] of messages.entries()) {
    const message = parseMessage(key, value);
    if (message === null) return null;
    parsed.push(message);
  }
  return parsed;
}

/** A thread the update adds: well formed, opened by the sender, every message theirs. */
function newThreadProblem(key: string, value: unknown, sender: Sender): CommentProblem | null {
  const thread = readThread(key, value);
  const messages = parsedMessages(value instanceof Y.Map ? value.get('messages') : null);
  if (thread === null || messages === null) return malformed('A new comment thread is not well formed.');
  for (const field of (value as Y.Map<unknown>).keys())
    if (!KNOWN_FIELDS.has(field)) return malformed(`A comment thread has no field "${field}".`);
  if (!isSender(sender, thread.author.id) || messages.some((m) => !isSender(sender, m.author.id)))
    return forbidden('A new comment must name you as its author.');
  if (thread.statusBy !== null && !isSender(sender, thread.statusBy.id))
    return forbidden('A thread can only be resolved in your own name.');
  return null;
}

/** A thread the update deletes: by an owner, or by its author when every message is theirs. */
function removedThreadProblem(key: string, value: unknown, sender: Sender): CommentProblem | null {
  if (sender.id === null || sender.role === 'owner') return null;
  const thread = readThread(key, value);
  const messages = parsedMessages(value instanceof Y.Map ? value.get('messages') : null);
  if (thread !== null && messages !== null && thread.author.id === sender.id) {
    if (messages.every((m) => m.author.id === sender.id)) return null;
  }
  return forbidden('Only an owner, or its author when every reply is theirs, may delete a comment thread.');
}

/** Changes to one thread's messages: new ones in the sender's name, edits and deletions by their authors (or an owner deleting). */
function messagesProblem(before: Y.Map<unknown>, after: Y.Map<unknown>, sender: Sender): CommentProblem | null {
  for (const [key, value] of after.entries()) {
    const old = before.get(key);
    if (old !== undefined && sameJson(old, value)) continue;
    const message = parseMessage(key, value);
    if (message === null) return malformed('A comment is not well formed.');
    if (!isSender(sender, message.author.id)) return forbidden('A comment must name you as its author.');
    if (old === undefined) continue;
    const previous = parseMessage(key, old);
    if (previous === null || previous.author.id !== message.author.id || previous.createdAt !== message.createdAt)
      return forbidden('Only its author may edit a comment.');
  }
  for (const [key, old] of before.entries()) {
    if (after.has(key) || sender.id === null || sender.role === 'owner') continue;
    if (parseMessage(key, old)?.author.id !== sender.id) return forbidden('Only its author may delete a comment.');
  }
  return null;
}

/** Changes to a thread present before and after: fixed fields stay, status in the sender's name, messages by the rules. */
function changedThreadProblem(key: string, before: Y.Map<unknown>, after: Y.Map<unknown>, sender: Sender) {
  let changed = false;
  for (const field of new Set([...before.keys(), ...after.keys()])) {
    const [old, now] = [before.get(field), after.get(field)];
    if (field === 'messages') {
      if (!sameType(old, now)) return forbidden('A thread’s comments cannot be replaced wholesale.');
      const problem = messagesProblem(old as Y.Map<unknown>, now as Y.Map<unknown>, sender);
      if (problem) return problem;
      continue;
    }
    if (sameJson(old, now)) continue;
    changed = true;
    if (!KNOWN_FIELDS.has(field)) return malformed(`A comment thread has no field "${field}".`);
    if (!STATUS_FIELDS.has(field))
      return forbidden('Where a thread is, what it quotes and who opened it never change.');
  }
  if (!changed) return null;
  const thread = readThread(key, after);
  if (thread === null) return malformed('A comment thread is not well formed.');
  if (thread.statusBy === null || !isSender(sender, thread.statusBy.id))
    return forbidden('A thread can only be resolved or reopened in your own name.');
  return null;
}

/**
 * Why the change from `before` to `after` (the same document without and with an update)
 * breaks the comment rules of PROTOCOL.md ("Who may change what") for `sender`, or null
 * when it keeps them. The comments map is small (threads, not text), so it is compared whole.
 */
export function commentsProblem(before: Y.Doc, after: Y.Doc, sender: Sender): CommentProblem | null {
  const was = commentsMap(before);
  const now = commentsMap(after);
  for (const [key, value] of now.entries()) {
    const old = was.get(key);
    let problem: CommentProblem | null;
    if (old === undefined) problem = newThreadProblem(key, value, sender);
    else if (!sameType(old, value)) {
      if (!(value instanceof Y.AbstractType) && sameJson(old, value)) continue;
      problem = removedThreadProblem(key, old, sender) ?? newThreadProblem(key, value, sender);
    } else problem = changedThreadProblem(key, old, value, sender);
    if (problem) return problem;
  }
  for (const [key, old] of was.entries()) {
    if (now.has(key)) continue;
    const problem = removedThreadProblem(key, old, sender);
    if (problem) return problem;
  }
  return null;
}
