import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from './schema.js';

/** Longest title derived from a document's first line. */
const MAX_TITLE_LENGTH = 120;

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

/** A document's title: its `meta.title` when set, else its first non-empty line, else "". */
export function docTitle(doc: Y.Doc): string {
  const explicit = doc.getMap('meta').get('title');
  if (typeof explicit === 'string' && explicit.trim() !== '') return explicit.trim().slice(0, MAX_TITLE_LENGTH);
  // Block by block, stopping at the first with text: this runs on every change, and a
  // document's full text is far more than its title needs.
  for (const block of doc.getXmlFragment(CONTENT_FRAGMENT).toArray()) {
    if (!(block instanceof Y.XmlElement)) continue;
    const lines: string[] = [];
    collectLines(block, lines);
    const first = lines.find((line) => line.trim() !== '');
    if (first !== undefined) return first.trim().slice(0, MAX_TITLE_LENGTH);
  }
  return '';
}
