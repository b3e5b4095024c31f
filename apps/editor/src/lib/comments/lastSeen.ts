import type { CommentThread } from '@tandem/crdt-bridge';

/** Storage key of one document's "last seen" times, by thread id. */
export function lastSeenKey(docId: string): string {
  return `tandem.comments-seen:${docId}`;
}

/** Thread id → newest message time this browser has seen. */
export type SeenTimes = Record<string, number>;

/** Reads the seen times for a document; empty when missing or unreadable. */
export function loadSeen(storage: Pick<Storage, 'getItem'> | null, docId: string): SeenTimes {
  try {
    const raw: unknown = JSON.parse(storage?.getItem(lastSeenKey(docId)) ?? '{}');
    if (typeof raw !== 'object' || raw === null) return {};
    const seen: SeenTimes = {};
    for (const [id, time] of Object.entries(raw)) if (typeof time === 'number') seen[id] = time;
    return seen;
  } catch {
    return {};
  }
}

/** Stores the seen times (private mode or full storage: they last for this tab). */
export function saveSeen(storage: Pick<Storage, 'setItem'> | null, docId: string, seen: SeenTimes): void {
  try {
    storage?.setItem(lastSeenKey(docId), JSON.stringify(seen));
  } catch {
    // Nothing more to do: the badge simply shows again next time.
  }
}

/** The newest activity by someone other than `me` in a thread (a message or a resolve/reopen); 0 if none. */
export function newestByOthers(thread: CommentThread, me: string): number {
  let newest = 0;
  for (const m of thread.messages) {
    if (m.author.id !== me) newest = Math.max(newest, m.editedAt ?? m.createdAt, m.createdAt);
  }
  if (thread.statusBy && thread.statusBy.id !== me && thread.statusAt !== null)
    newest = Math.max(newest, thread.statusAt);
  return newest;
}

/** The newest activity in a thread by anyone: what "seen" records. */
export function newestActivity(thread: CommentThread): number {
  let newest = thread.statusAt ?? 0;
  for (const m of thread.messages) newest = Math.max(newest, m.editedAt ?? 0, m.createdAt);
  return newest;
}

/** Whether others changed a thread since this browser last saw it. */
export function isNew(thread: CommentThread, seen: SeenTimes, me: string): boolean {
  const byOthers = newestByOthers(thread, me);
  return byOthers > 0 && byOthers > (seen[thread.id] ?? 0);
}

/** `seen` with `threads` marked as seen up to their newest activity; the same object when nothing changed. */
export function markSeen(seen: SeenTimes, threads: readonly CommentThread[]): SeenTimes {
  let next = seen;
  for (const t of threads) {
    const newest = newestActivity(t);
    if ((seen[t.id] ?? 0) >= newest) continue;
    if (next === seen) next = { ...seen };
    next[t.id] = newest;
  }
  return next;
}
