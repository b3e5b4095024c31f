import type { Node as PMNode } from 'prosemirror-model';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from './schema.js';

function textOf(text: Y.XmlText): string {
  let out = '';
  for (const op of text.toDelta() as { insert: unknown }[]) if (typeof op.insert === 'string') out += op.insert;
  return out;
}

/** Appends one line per textblock (an element holding text) below `node`. */
function collectLines(node: Y.XmlElement | Y.XmlFragment, lines: string[]): void {
  const children = node.toArray();
  if (node instanceof Y.XmlElement && children.some((c) => c instanceof Y.XmlText)) {
    lines.push(children.map((c) => (c instanceof Y.XmlText ? textOf(c) : '')).join(''));
    return;
  }
  if (node instanceof Y.XmlElement && children.length === 0) {
    lines.push('');
    return;
  }
  for (const child of children) if (child instanceof Y.XmlElement) collectLines(child, lines);
}

/** Plain text of a Tandem document, one line per paragraph, heading or code block. */
export function docText(doc: Y.Doc): string {
  const lines: string[] = [];
  collectLines(doc.getXmlFragment(CONTENT_FRAGMENT), lines);
  return lines.join('\n');
}

/** The document's first line with text, untrimmed; "" when it has none (the title falls back to it). */
export function firstTextLine(doc: Y.Doc): string {
  // Block by block, stopping at the first with text: this runs on every change, and a
  // document's full text is far more than its title needs.
  for (const block of doc.getXmlFragment(CONTENT_FRAGMENT).toArray()) {
    if (!(block instanceof Y.XmlElement)) continue;
    const lines: string[] = [];
    collectLines(block, lines);
    const first = lines.find((line) => line.trim() !== '');
    if (first !== undefined) return first;
  }
  return '';
}

/**
 * The same line of a ProseMirror document: the text of its first textblock with text, so
 * a document made from `node` (an import) is titled as {@link firstTextLine} will read it.
 */
export function firstTextLineOfNode(node: PMNode): string {
  let first = '';
  node.descendants((child) => {
    if (first !== '') return false;
    if (!child.isTextblock) return true;
    if (child.textContent.trim() !== '') first = child.textContent;
    return false;
  });
  return first;
}
