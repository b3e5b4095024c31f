import type { Node } from 'prosemirror-model';
import { DELETION_MARK, INSERTION_MARK, suggestionOf } from '@tandem/crdt-bridge';

/** One stretch of a suggestion: text it adds or removes, as positions in the document. */
export interface SuggestionRange {
  kind: 'insertion' | 'deletion';
  from: number;
  to: number;
}

/** A suggestion as the list shows it: everything that shares one id, whoever's marks they are. */
export interface Suggestion {
  id: string;
  /** The suggester's id, name and colour (from the first mark met). */
  author: string;
  name: string;
  color: string;
  /** Text it adds and text it removes (empty when none). */
  inserted: string;
  deleted: string;
  /** In document order. */
  ranges: SuggestionRange[];
  /** Where it starts and ends in the document. */
  from: number;
  to: number;
}

/** The text a leaf shows in the list: its characters, a line break as a space, an image as "[image]". */
function leafText(node: Node): string {
  if (node.isText) return node.text ?? '';
  return node.type.name === 'image' ? '[image]' : ' ';
}

/** Every suggestion in `doc`, in the order they start, with adjacent stretches of one id merged. */
export function collectSuggestions(doc: Node): Suggestion[] {
  const byId = new Map<string, Suggestion>();
  doc.descendants((node, pos) => {
    if (!node.isInline) return true;
    for (const mark of node.marks) {
      const kind =
        mark.type.name === INSERTION_MARK ? 'insertion' : mark.type.name === DELETION_MARK ? 'deletion' : null;
      if (kind === null) continue;
      const attrs = suggestionOf(mark);
      const from = pos;
      const to = pos + node.nodeSize;
      let found = byId.get(attrs.id);
      if (!found) {
        found = { ...attrs, inserted: '', deleted: '', ranges: [], from, to };
        byId.set(attrs.id, found);
      }
      const last = found.ranges.at(-1);
      const text = leafText(node);
      const field = kind === 'insertion' ? 'inserted' : 'deleted';
      if (last && last.kind === kind && last.to === from) last.to = to;
      else {
        // A new stretch of the same kind elsewhere (another paragraph): keep the words apart.
        if (found[field] !== '' && !found[field].endsWith(' ')) found[field] += ' ';
        found.ranges.push({ kind, from, to });
      }
      found[field] += text;
      found.to = to;
    }
    return false;
  });
  return [...byId.values()].sort((a, b) => a.from - b.from);
}

/** How the list words a suggestion: "Add: …", "Delete: …", or "Replace: … with …". */
export function describeSuggestion(s: Pick<Suggestion, 'inserted' | 'deleted'>): string {
  const quote = (text: string) => `“${text.length > 80 ? `${text.slice(0, 79)}…` : text}”`;
  if (s.inserted && s.deleted) return `Replace: ${quote(s.deleted)} with ${quote(s.inserted)}`;
  if (s.inserted) return `Add: ${quote(s.inserted)}`;
  return `Delete: ${quote(s.deleted)}`;
}

/** How many suggestions `doc` holds (distinct ids), without building the list. */
export function countSuggestions(doc: Node): number {
  const ids = new Set<string>();
  doc.descendants((node) => {
    if (!node.isInline) return true;
    for (const mark of node.marks)
      if (mark.type.name === INSERTION_MARK || mark.type.name === DELETION_MARK) ids.add(suggestionOf(mark).id);
    return false;
  });
  return ids.size;
}
