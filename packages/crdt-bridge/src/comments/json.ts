import type * as Y from 'yjs';
import type { CommentThreadJSON } from '../api/comments.js';
import { anchoredText, suggestionText } from './anchors.js';
import type { CommentThread } from './model.js';

/** A thread as the REST API shows it: as stored, without the anchor's positions, with the text it is on now. */
export function threadJson(doc: Y.Doc, thread: CommentThread): CommentThreadJSON {
  const { anchor, suggestion } = thread;
  const now = anchor !== null ? anchoredText(doc, anchor) : suggestionText(doc, suggestion ?? '');
  return {
    id: thread.id,
    status: thread.status,
    quote: thread.quote,
    anchoredText: now.text,
    deleted: now.deleted,
    suggestion,
    author: thread.author,
    createdAt: thread.createdAt,
    statusBy: thread.statusBy,
    statusAt: thread.statusAt,
    messages: thread.messages,
  };
}
