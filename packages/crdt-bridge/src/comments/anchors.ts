import * as Y from 'yjs';
import { CONTENT_FRAGMENT, schema } from '../schema/schema.js';
import { DELETION_MARK, INSERTION_MARK } from '../schema/suggestionMarks.js';
import type { CommentAnchor } from './model.js';

/** Where a thread's text is now: the text, or null (and `deleted`) when it has been deleted. */
export interface AnchoredText {
  text: string | null;
  deleted: boolean;
}

/** A place in the body: a child index in an element, or a character offset in a text. */
type Place = { type: Y.AbstractType<unknown>; index: number } | null;

function placeOf(doc: Y.Doc, json: unknown): Place {
  try {
    const absolute = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(json), doc);
    return absolute ? { type: absolute.type as Y.AbstractType<unknown>, index: absolute.index } : null;
  } catch {
    return null; // Not a relative position Yjs can read.
  }
}

/**
 * The body's text as one string (blocks separated by a line break), and where two places
 * fall in it. Walks the fragment once.
 */
function offsetsIn(fragment: Y.XmlFragment, places: readonly Place[]): { text: string; offsets: (number | null)[] } {
  let text = '';
  const offsets: (number | null)[] = places.map(() => null);
  const mark = (type: unknown, index: number, at: number) => {
    places.forEach((p, i) => {
      if (p !== null && p.type === type && p.index === index) offsets[i] = at;
    });
  };
  const visit = (container: Y.XmlFragment | Y.XmlElement) => {
    const children = container.toArray();
    children.forEach((child, i) => {
      mark(container, i, text.length);
      if (child instanceof Y.XmlText) {
        const start = text.length;
        for (const op of child.toDelta() as { insert: unknown }[])
          text += typeof op.insert === 'string' ? op.insert : '\ufffc';
        places.forEach((p, k) => {
          if (p !== null && p.type === child) offsets[k] = start + Math.min(p.index, text.length - start);
        });
      } else if (child instanceof Y.XmlElement) {
        visit(child);
        if (schema.nodes[child.nodeName]?.isTextblock) text += '\n';
      }
    });
    mark(container, children.length, text.length);
  };
  visit(fragment);
  return { text, offsets };
}

/**
 * The text a thread's anchor covers now, read from the document alone (no editor needed):
 * both relative positions are resolved in the `prosemirror` fragment and the text between
 * them taken. Deleted when either cannot be resolved or both fall on the same place.
 */
export function anchoredText(doc: Y.Doc, anchor: CommentAnchor): AnchoredText {
  const start = placeOf(doc, anchor.start);
  const end = placeOf(doc, anchor.end);
  if (start === null || end === null) return { text: null, deleted: true };
  const { text, offsets } = offsetsIn(doc.getXmlFragment(CONTENT_FRAGMENT), [start, end]);
  const [from, to] = offsets;
  if (from === null || from === undefined || to === null || to === undefined || to <= from)
    return { text: null, deleted: true };
  return { text: text.slice(from, to).replace(/\n+$/, ''), deleted: false };
}

/**
 * The text of a suggestion now (everything marked with its id, in order), or deleted when
 * nothing carries it any more: it was accepted or rejected.
 */
export function suggestionText(doc: Y.Doc, suggestionId: string): AnchoredText {
  let text = '';
  const visit = (node: Y.XmlElement | Y.XmlFragment | Y.XmlText | Y.XmlHook) => {
    if (node instanceof Y.XmlText) {
      for (const op of node.toDelta() as { insert: unknown; attributes?: Record<string, { id?: unknown }> }[]) {
        const attrs = op.attributes;
        const ours = attrs?.[INSERTION_MARK]?.id === suggestionId || attrs?.[DELETION_MARK]?.id === suggestionId;
        if (ours && typeof op.insert === 'string') text += op.insert;
      }
    } else if (!(node instanceof Y.XmlHook)) node.toArray().forEach(visit);
  };
  visit(doc.getXmlFragment(CONTENT_FRAGMENT));
  return text === '' ? { text: null, deleted: true } : { text, deleted: false };
}
