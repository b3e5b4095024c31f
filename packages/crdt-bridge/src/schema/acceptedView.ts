import { Fragment, type Node as PMNode } from 'prosemirror-model';
import { DELETION_MARK, INSERTION_MARK } from './suggestionMarks.js';

/**
 * The document as if no suggestion had been accepted yet: text (or any inline node)
 * suggested for insertion is left out, text suggested for deletion stays as plain text.
 * What exports show by default, since a suggestion is not part of the document until
 * someone accepts it.
 */
export function withoutSuggestions(node: PMNode): PMNode {
  if (node.isLeaf) return node;
  const children: PMNode[] = [];
  let changed = false;
  node.forEach((child) => {
    if (child.isInline) {
      if (child.marks.some((m) => m.type.name === INSERTION_MARK)) {
        changed = true;
        return;
      }
      const deletion = child.marks.find((m) => m.type.name === DELETION_MARK);
      if (deletion) changed = true;
      children.push(deletion ? child.mark(deletion.removeFromSet(child.marks)) : child);
      return;
    }
    const copy = withoutSuggestions(child);
    if (copy !== child) changed = true;
    children.push(copy);
  });
  // Fragment.fromArray joins neighbouring text that now carries the same marks.
  return changed ? node.copy(Fragment.fromArray(children)) : node;
}
