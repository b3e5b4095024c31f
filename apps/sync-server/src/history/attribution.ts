import { mergeAdjacentChanges, type DiffChange } from '@tandem/crdt-bridge/history';
import type { AuthorEntry } from '../storage/VersionStore.js';

/** A changed range with the person it is attributed to, when known. */
export interface AttributedChange extends Omit<DiffChange, 'client'> {
  /**
   * Added content: who wrote it. Removed or changed content: Yjs does not record who
   * deletes, so this is set only when exactly one person edited between the two sides.
   */
  author: string | null;
}

/**
 * Credits a diff's changes to people: added content to whoever the document's author
 * table says wrote under its client id (else the sole editor between the two sides, when
 * there was exactly one), removed and changed content to that sole editor. Runs split
 * only by client id read as one change once credited alike. Returns the changes and the
 * colours of the people they name (null when presence gave none).
 */
export function attributeChanges(
  changes: readonly DiffChange[],
  authors: readonly AuthorEntry[],
  sole: string | null,
): { changes: AttributedChange[]; colors: Record<string, string | null> } {
  const byClient = new Map(authors.map((a) => [a.clientId, a] as const));
  const colors: Record<string, string | null> = {};
  const credited = changes.map(({ client, ...change }): AttributedChange => {
    const author = change.type === 'added' ? (byClient.get(client)?.name ?? sole) : sole;
    if (author !== null) colors[author] ??= null;
    return { ...change, author };
  });
  for (const a of byClient.values()) if (a.name in colors && a.color) colors[a.name] = a.color;
  return { changes: mergeAdjacentChanges(credited, (a, b) => a.author === b.author), colors };
}
