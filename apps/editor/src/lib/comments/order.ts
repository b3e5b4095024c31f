import type { CommentThread } from '@tandem/crdt-bridge';
import type { AnchorRange } from './anchors.js';

/** A thread with where it is now: null when it cannot be placed (yet). */
export interface PlacedThread {
  thread: CommentThread;
  range: AnchorRange | null;
}

/** Which threads the panel lists. */
export type ThreadFilter = 'open' | 'resolved' | 'all';

/** Whether a placed thread's text has been deleted: its ends have met. */
export function textDeleted(placed: PlacedThread): boolean {
  return placed.thread.anchor !== null && (placed.range === null || placed.range.from === placed.range.to);
}

/**
 * Threads in the order of their text in the document (ties: the older first); those that
 * cannot be placed come last, oldest first. The panel reads top to bottom like the page.
 */
export function inDocumentOrder(placed: readonly PlacedThread[]): PlacedThread[] {
  return [...placed].sort((a, b) => {
    if (a.range === null || b.range === null) {
      if (a.range !== b.range) return a.range === null ? 1 : -1;
    } else if (a.range.from !== b.range.from) {
      return a.range.from - b.range.from;
    }
    return a.thread.createdAt - b.thread.createdAt || (a.thread.id < b.thread.id ? -1 : 1);
  });
}

/** The threads `filter` keeps. */
export function filterThreads<T extends { thread: CommentThread }>(items: readonly T[], filter: ThreadFilter): T[] {
  return filter === 'all' ? [...items] : items.filter((p) => p.thread.status === filter);
}
