import type { Node as PMNode } from 'prosemirror-model';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from './schema.js';
import { INSERTION_MARK } from './suggestionMarks.js';

/**
 * The text as it stands until suggestions are accepted: suggested insertions left out, text
 * suggested for deletion still in (as exports read it), so neither the title nor search
 * shows words nobody has accepted.
 */
function textOf(text: Y.XmlText, at?: Y.Snapshot): string {
  // Walks the items rather than building `toDelta()`: a long-edited paragraph holds hundreds of
  // thousands of items, and the delta's attribute objects cost the event loop ~100 ms a read.
  // As in the delta, only formatting still in the text counts; a null value ends a mark.
  let out = '';
  let suggested = false;
  for (let item = text._start; item !== null; item = item.right) {
    if (at ? !shownIn(item, at) : item.deleted) continue;
    const { content } = item;
    if (content instanceof Y.ContentString) {
      if (!suggested) out += content.str;
    } else if (content instanceof Y.ContentFormat && content.key === INSERTION_MARK) {
      suggested = content.value !== null;
    }
  }
  return out;
}

/** Whether `item` is part of the document at `snapshot` (the check Yjs uses, which it does not export). */
function shownIn(item: Y.Item, snapshot: Y.Snapshot): boolean {
  const clock = snapshot.sv.get(item.id.client);
  return clock !== undefined && clock > item.id.clock && !Y.isDeleted(snapshot.ds, item.id);
}

/** The children of `node`, now or (a document that keeps deleted content) at `snapshot`. */
function childrenAt(node: Y.XmlElement | Y.XmlFragment, at?: Y.Snapshot): unknown[] {
  return at ? Y.typeListToArraySnapshot(node, at) : node.toArray();
}

/** Lines collected so far and their length, with the length at which to stop collecting; `at` reads at a snapshot. */
interface LineBudget {
  lines: string[];
  chars: number;
  maxChars: number;
  at?: Y.Snapshot;
}

/** Appends one line per textblock (an element holding text) below `node`, until the budget is spent. */
function collectLines(node: Y.XmlElement | Y.XmlFragment, budget: LineBudget): void {
  if (budget.chars >= budget.maxChars) return;
  const children = childrenAt(node, budget.at);
  if (node instanceof Y.XmlElement && children.some((c) => c instanceof Y.XmlText)) {
    const line = children.map((c) => (c instanceof Y.XmlText ? textOf(c, budget.at) : '')).join('');
    budget.lines.push(line);
    budget.chars += line.length + 1;
    return;
  }
  if (node instanceof Y.XmlElement && children.length === 0) {
    budget.lines.push('');
    budget.chars += 1;
    return;
  }
  for (const child of children) if (child instanceof Y.XmlElement) collectLines(child, budget);
}

/**
 * Plain text of a Tandem document, one line per paragraph, heading or code block. With
 * `maxChars`, collecting stops once that much is gathered (the result may run a line past
 * it): a search index reads the start of a huge document without walking all of it.
 */
export function docText(doc: Y.Doc, maxChars = Infinity): string {
  const budget: LineBudget = { lines: [], chars: 0, maxChars };
  collectLines(doc.getXmlFragment(CONTENT_FRAGMENT), budget);
  return budget.lines.join('\n');
}

/** The same text of a ProseMirror document (an import): one line per textblock, as {@link docText} reads it. */
export function nodeText(node: PMNode): string {
  const lines: string[] = [];
  node.descendants((child) => {
    // A block leaf (a divider) is an empty element in the Y.Doc, which docText reads as an empty line.
    if (child.isBlock && child.isLeaf) lines.push('');
    if (!child.isTextblock) return true;
    lines.push(child.textContent);
    return false;
  });
  return lines.join('\n');
}

/**
 * The document's first line with text, untrimmed; "" when it has none (the title falls back
 * to it). With `at`, the line at that snapshot of a document that keeps deleted content.
 */
export function firstTextLine(doc: Y.Doc, at?: Y.Snapshot): string {
  // Block by block, stopping at the first with text: this runs on every change, and a
  // document's full text is far more than its title needs.
  for (const block of childrenAt(doc.getXmlFragment(CONTENT_FRAGMENT), at)) {
    if (!(block instanceof Y.XmlElement)) continue;
    const budget: LineBudget = { lines: [], chars: 0, maxChars: Infinity, ...(at ? { at } : {}) };
    collectLines(block, budget);
    const first = budget.lines.find((line) => line.trim() !== '');
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
