import type { Node as PMNode } from 'prosemirror-model';

/** The ids of the images a document shows. */
export function imageIdsOf(doc: PMNode): Set<string> {
  const ids = new Set<string>();
  doc.descendants((node) => {
    if (node.type.name === 'image') ids.add(node.attrs.id as string);
    // Images are blocks: text holds none, so the walk need not go into it.
    return !node.isTextblock;
  });
  return ids;
}
