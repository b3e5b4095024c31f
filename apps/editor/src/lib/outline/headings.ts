import type { Node as PMNode } from 'prosemirror-model';

/** One entry of the outline: a heading, where it starts, and its level (1–3). */
export interface OutlineHeading {
  level: number;
  text: string;
  /** The position just inside the heading, where the caret goes. */
  pos: number;
}

/** The document's headings in order. Visits blocks only, never their text: cheap on a long document. */
export function outlineOf(doc: PMNode): OutlineHeading[] {
  const found: OutlineHeading[] = [];
  doc.descendants((node, pos) => {
    if (node.type.name === 'heading') {
      found.push({ level: node.attrs.level as number, text: node.textContent.trim(), pos: pos + 1 });
      return false;
    }
    return !node.isTextblock && !node.isAtom;
  });
  return found;
}

/**
 * The index of the heading whose section holds `pos` (the last heading starting at or before
 * it, counting the position just before a heading as its own); -1 before the first.
 */
export function currentHeadingIndex(headings: readonly OutlineHeading[], pos: number): number {
  let low = 0;
  let high = headings.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    // A caret placed before the heading node (as Ctrl+Home next to another's caret may leave it) is at it.
    if (headings[mid]!.pos - 1 <= pos) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}
