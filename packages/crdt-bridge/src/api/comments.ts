import type { CommentMessage, CommentPerson, ThreadStatus } from '../comments/model.js';

/** One comment thread in `GET /api/docs/<id>/comments`. */
export interface CommentThreadJSON {
  id: string;
  status: ThreadStatus;
  /** The commented text when the thread was opened. */
  quote: string;
  /** The text the thread is on now (a suggestion's text, for a thread about one); null when deleted. */
  anchoredText: string | null;
  /** Whether that text has since been deleted (or the suggestion accepted or rejected). */
  deleted: boolean;
  /** The suggestion the thread discusses, or null. */
  suggestion: string | null;
  author: CommentPerson;
  createdAt: number;
  statusBy: CommentPerson | null;
  statusAt: number | null;
  /** Oldest first. */
  messages: CommentMessage[];
}

/** `GET /api/docs/<id>/comments`: every thread, oldest first. */
export interface CommentsJSON {
  threads: CommentThreadJSON[];
}
