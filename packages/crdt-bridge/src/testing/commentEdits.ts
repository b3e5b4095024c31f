import * as Y from 'yjs';
import {
  createThread,
  deleteMessage,
  deleteThread,
  putMessage,
  readThreads,
  setThreadStatus,
} from '../comments/threads.js';
import type { CommentPerson } from '../comments/model.js';
import { CONTENT_FRAGMENT } from '../schema/schema.js';
import { DELETION_MARK, INSERTION_MARK, type SuggestionAttrs } from '../schema/suggestionMarks.js';
import type { Random } from './random.js';

const COLORS = ['#1971c2', '#2b8a3e', '#c2255c', '#e8590c'];

/** The person a test document writes as: one per Yjs client, so authorship differs between peers. */
export function testPerson(doc: Y.Doc): CommentPerson {
  return { id: `p${doc.clientID}`, name: `Peer ${doc.clientID % 1000}`, color: COLORS[doc.clientID % COLORS.length]! };
}

/** Every Y.XmlText of the body, in document order. */
function inlineTexts(doc: Y.Doc): Y.XmlText[] {
  const out: Y.XmlText[] = [];
  const walk = (node: Y.XmlFragment | Y.XmlElement) => {
    for (const child of node.toArray()) {
      if (child instanceof Y.XmlText) out.push(child);
      else if (child instanceof Y.XmlElement) walk(child);
    }
  };
  walk(doc.getXmlFragment(CONTENT_FRAGMENT));
  return out;
}

function newId(random: Random): string {
  return `r${random.int(2 ** 30).toString(36)}${random.int(2 ** 30).toString(36)}`;
}

/**
 * Makes one random change to the comments: open a thread on some text, reply, edit or delete
 * one's own message, resolve or reopen, or delete a thread of one's own — as the document's
 * client would write them.
 */
export function randomCommentEdit(random: Random, doc: Y.Doc): void {
  const me = testPerson(doc);
  const threads = readThreads(doc);
  const roll = threads.length === 0 ? 0 : random.next();
  // From the seed, not the clock, so a seed replays the same document.
  const at = 1_750_000_000_000 + random.int(1_000_000_000);
  const message = (text: string) => ({
    id: newId(random),
    author: me,
    // A word may be all spaces; the editor never sends a blank message and the server refuses one.
    text: text.trim() === '' ? `${text}ok` : text,
    mentions: [],
    createdAt: at,
    editedAt: null,
  });
  if (roll < 0.35) {
    const texts = inlineTexts(doc).filter((t) => t.length > 0);
    if (texts.length === 0) return;
    const inline = random.pick(texts);
    const from = random.int(inline.length);
    const to = random.between(from + 1, inline.length);
    const position = (index: number) => Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(inline, index));
    createThread(doc, {
      id: newId(random),
      anchor: { start: position(from), end: position(to) },
      suggestion: null,
      quote: inline.toString().slice(from, to),
      message: message(random.word(12)),
    });
    return;
  }
  const thread = random.pick(threads);
  const mine = thread.messages.filter((m) => m.author.id === me.id);
  if (roll < 0.65) putMessage(doc, thread.id, message(random.word(10)));
  else if (roll < 0.75 && mine.length > 0) {
    const edited = random.pick(mine);
    putMessage(doc, thread.id, { ...edited, text: `${edited.text} ${random.word()}`, editedAt: at });
  } else if (roll < 0.9) setThreadStatus(doc, thread.id, thread.status === 'open' ? 'resolved' : 'open', me, at);
  else if (roll < 0.95 && mine.length > 0) deleteMessage(doc, thread.id, random.pick(mine).id);
  else if (thread.messages.every((m) => m.author.id === me.id)) deleteThread(doc, thread.id);
}

/**
 * Makes one random suggestion change in the body: suggest inserting a word or deleting a
 * range (marks as y-prosemirror stores them), or accept or reject what some range carries.
 */
export function randomSuggestionEdit(random: Random, doc: Y.Doc): void {
  const texts = inlineTexts(doc);
  if (texts.length === 0) return;
  const inline = random.pick(texts);
  const length = inline.length;
  const me = testPerson(doc);
  const attrs: SuggestionAttrs = { id: newId(random), author: me.id, name: me.name, color: me.color };
  const roll = length === 0 ? 0 : random.next();
  if (roll < 0.4) {
    inline.insert(random.int(length + 1), random.word(), { [INSERTION_MARK]: attrs });
    return;
  }
  const index = random.int(length);
  const span = random.between(1, Math.min(5, length - index));
  if (roll < 0.7) inline.format(index, span, { [DELETION_MARK]: attrs });
  else if (roll < 0.85) inline.format(index, span, { [random.pick([INSERTION_MARK, DELETION_MARK])]: null });
  else inline.delete(index, span);
}
