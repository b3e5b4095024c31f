import type { CommentPerson, CommentThread } from '@tandem/crdt-bridge';

/** Someone present in the document, as presence shows them. */
export interface PresentPerson {
  userId: string | null;
  name: string;
  color: string;
}

/**
 * Who can be @-mentioned: people here now, then everyone who wrote in a thread, each once
 * (by id), without `me`, by name.
 */
export function mentionablePeople(
  present: readonly PresentPerson[],
  threads: readonly CommentThread[],
  me: string,
): CommentPerson[] {
  const byId = new Map<string, CommentPerson>();
  for (const p of present) {
    if (p.userId !== null && p.userId !== me && !byId.has(p.userId))
      byId.set(p.userId, { id: p.userId, name: p.name, color: p.color.toLowerCase() });
  }
  for (const t of threads) {
    for (const m of t.messages) {
      if (m.author.id !== me && !byId.has(m.author.id)) byId.set(m.author.id, m.author);
    }
  }
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
}
