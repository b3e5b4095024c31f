import type * as Y from 'yjs';
import {
  commentsMap,
  createThread,
  deleteMessage,
  deleteThread,
  putMessage,
  readThreads,
  setThreadStatus,
  type CommentAnchor,
  type CommentMessage,
  type CommentPerson,
  type CommentThread,
} from '@tandem/crdt-bridge';
import { isNew, loadSeen, markSeen, saveSeen, type SeenTimes } from './lastSeen.js';
import { newCommentId } from './person.js';
import type { ThreadFilter } from './order.js';

/** A thread being written: where it will be, and the text it quotes. */
export interface Draft {
  anchor: CommentAnchor;
  quote: string;
}

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/**
 * One document's comments as the page sees them, reactive: the threads (read from the shared
 * document whenever it changes), the panel's state, and what this browser has seen. Writing
 * goes straight into the Y.Doc, so it works offline and syncs like the text.
 */
export class CommentsModel {
  threads = $state<CommentThread[]>([]);
  /** Whether the panel is shown. */
  open = $state(false);
  /** The thread in focus: its card is outlined, its text highlighted more strongly. */
  active = $state<string | null>(null);
  /** A new thread being written, or null. */
  draft = $state<Draft | null>(null);
  filter = $state<ThreadFilter>('open');
  seen = $state<SeenTimes>({});
  private readonly map: Y.Map<Y.Map<unknown>>;

  constructor(
    private readonly doc: Y.Doc,
    private readonly docId: string,
    /** Who writes, asked at each write: the name or colour may have changed. */
    private readonly me: () => CommentPerson,
  ) {
    this.map = commentsMap(doc);
    this.seen = loadSeen(safeStorage(), docId);
    this.map.observeDeep(this.refresh);
    this.refresh();
  }

  private readonly refresh = (): void => {
    this.threads = readThreads(this.doc);
  };

  /** Threads still open. */
  get openCount(): number {
    return this.threads.filter((t) => t.status === 'open').length;
  }

  /** Whether `thread` changed by someone else since this browser saw it. */
  isNew(thread: CommentThread): boolean {
    return isNew(thread, this.seen, this.me().id);
  }

  /** Whether any thread has news: the panel button shows a dot. */
  get hasNews(): boolean {
    return this.threads.some((t) => this.isNew(t));
  }

  /** Records `threads` as seen up to now, in this browser. */
  markSeen(threads: readonly CommentThread[]): void {
    const next = markSeen(this.seen, threads);
    if (next === this.seen) return;
    this.seen = next;
    saveSeen(safeStorage(), this.docId, next);
  }

  private message(text: string, mentions: CommentPerson[]): CommentMessage {
    return { id: newCommentId(), author: this.me(), text, mentions, createdAt: Date.now(), editedAt: null };
  }

  /** Opens a thread on the draft's text with its first message; returns its id. */
  create(draft: Draft, text: string, mentions: CommentPerson[]): string {
    const id = newCommentId();
    createThread(this.doc, {
      id,
      anchor: draft.anchor,
      suggestion: null,
      quote: draft.quote,
      message: this.message(text, mentions),
    });
    return id;
  }

  /** Opens a thread about suggestion `suggestion`; returns its id. */
  createForSuggestion(suggestion: string, quote: string, text: string, mentions: CommentPerson[]): string {
    const id = newCommentId();
    createThread(this.doc, { id, anchor: null, suggestion, quote, message: this.message(text, mentions) });
    return id;
  }

  /** Adds a reply. */
  reply(threadId: string, text: string, mentions: CommentPerson[]): void {
    putMessage(this.doc, threadId, this.message(text, mentions));
  }

  /** Changes the text of one's own message. */
  edit(threadId: string, message: CommentMessage, text: string, mentions: CommentPerson[]): void {
    putMessage(this.doc, threadId, { ...message, text, mentions, editedAt: Date.now() });
  }

  /** Whether deleting `message` deletes the whole thread: its only message, or the first when every one is its author's. */
  removesThread(thread: CommentThread, message: CommentMessage): boolean {
    const opensIt = thread.messages[0]?.id === message.id;
    const allTheirs = thread.messages.every((m) => m.author.id === message.author.id);
    return (opensIt && allTheirs) || thread.messages.length === 1;
  }

  /** Deletes a message; the first message of a thread takes the whole thread with it. */
  remove(thread: CommentThread, message: CommentMessage): void {
    if (this.removesThread(thread, message)) deleteThread(this.doc, thread.id);
    else deleteMessage(this.doc, thread.id, message.id);
  }

  /** Resolves or reopens a thread. */
  setStatus(threadId: string, status: 'open' | 'resolved'): void {
    setThreadStatus(this.doc, threadId, status, this.me(), Date.now());
  }

  /** Stops following the shared document. */
  destroy(): void {
    this.map.unobserveDeep(this.refresh);
  }
}
