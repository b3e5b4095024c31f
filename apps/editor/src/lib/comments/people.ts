import type { CommentPerson, CommentThread } from '@tandem/crdt-bridge';

/** Someone present in the document, as presence shows them. */
export interface PresentPerson {
  userId: string | null;
  name: string;
  color: string;
  /** This tab: never offered for a mention. */
  isSelf: boolean;
}

/**
 * Who can be @-mentioned: everyone who wrote in a thread (their ids are the ones comments
 * use: in token mode the link's subject), then people here now whose name is not among
 * them (presence carries a browser id, which in token mode differs); each once, without
 * `me`, by name.
 */
export function mentionablePeople(
  present: readonly PresentPerson[],
  threads: readonly CommentThread[],
  me: string,
): CommentPerson[] {
  const byId = new Map<string, CommentPerson>();
  const names = new Set<string>();
  for (const t of threads) {
    for (const m of t.messages) {
      if (m.author.id === me || byId.has(m.author.id)) continue;
      byId.set(m.author.id, m.author);
      names.add(m.author.name);
    }
  }
  const selfIds = new Set(present.filter((p) => p.isSelf).map((p) => p.userId));
  for (const p of present) {
    if (p.isSelf || p.userId === null || p.userId === me || selfIds.has(p.userId)) continue;
    if (byId.has(p.userId) || names.has(p.name)) continue;
    byId.set(p.userId, { id: p.userId, name: p.name, color: p.color.toLowerCase() });
    names.add(p.name);
  }
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
}
