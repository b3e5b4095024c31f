import type { Mark, Node as PMNode } from 'prosemirror-model';
import { yXmlFragmentToProsemirrorJSON } from 'y-prosemirror';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT, schema } from './schema.js';
import { setStoredTitle } from './title.js';

/**
 * The ProseMirror document held in a Y.Doc, checked against the schema.
 * Pure: unlike y-prosemirror's view binding it never "repairs" (deletes) content
 * that does not fit; it throws a RangeError instead.
 */
export function docFromY(doc: Y.Doc): PMNode {
  const fragment = doc.getXmlFragment(CONTENT_FRAGMENT);
  const json = yXmlFragmentToProsemirrorJSON(fragment) as { type: string; content?: unknown[] };
  // An empty document is one empty paragraph, as the editor shows it.
  if (!json.content || json.content.length === 0) json.content = [{ type: 'paragraph' }];
  const node = schema.nodeFromJSON(json);
  node.check();
  return node;
}

/**
 * The Yjs attributes y-prosemirror gives a text run with these marks. Every mark of our
 * schema excludes itself (none may overlap), so y-prosemirror names each attribute after
 * its mark type, without the hash it adds for overlapping marks.
 */
function markAttributes(marks: readonly Mark[]): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const mark of marks) attributes[mark.type.name] = mark.attrs;
  return attributes;
}

/**
 * Writes `node`'s children into `parent`, an element already in a document, the way
 * y-prosemirror's `prosemirrorToYXmlFragment` lays them out: an element per node
 * (attributes that are not null), one Y.XmlText per run of text nodes, with marks as
 * formatting attributes. Unlike y-prosemirror, each child is put in the document before
 * its own children are written: y-prosemirror builds a node's children first and hands
 * them to Yjs as the arguments of one call, which overflows the stack for a list of a few
 * hundred thousand items.
 */
function writeChildren(parent: Y.XmlElement | Y.XmlFragment, node: PMNode): void {
  let last: Y.XmlElement | Y.XmlText | null = null;
  let run: PMNode[] = [];
  const append = <T extends Y.XmlElement | Y.XmlText>(child: T): T => {
    parent.insertAfter(last, [child]);
    last = child;
    return child;
  };
  const flushText = (): void => {
    if (run.length === 0) return;
    const text = append(new Y.XmlText());
    text.applyDelta(run.map((t) => ({ insert: t.text ?? '', attributes: markAttributes(t.marks) })));
    run = [];
  };
  node.forEach((child) => {
    if (child.isText) {
      run.push(child);
      return;
    }
    flushText();
    const element = append(new Y.XmlElement(child.type.name));
    for (const [key, value] of Object.entries(child.attrs)) {
      if (value !== null && value !== undefined) element.setAttribute(key, value as string);
    }
    writeChildren(element, child);
  });
  flushText();
}

/** A Y.Doc update that writes `node` (a whole document) into an empty Y.Doc's body. */
export function yUpdateFromDoc(node: PMNode, title?: string): Uint8Array {
  const doc = new Y.Doc();
  doc.transact(() => {
    writeChildren(doc.getXmlFragment(CONTENT_FRAGMENT), node);
    if (title) setStoredTitle(doc, title);
  });
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

/** Bytes of `text` in UTF-8 are at least its length in UTF-16 code units. */
function minimumStringBytes(text: string): number {
  return 1 + text.length;
}

/**
 * A lower bound on the size of {@link yUpdateFromDoc}'s result, found by walking the
 * ProseMirror document, without building the Yjs one (which takes tens of times the
 * memory). It lets an import that would be refused as too large be refused before it
 * costs that. Each Yjs item in a V1 update is at least an info byte, a reference to its
 * left neighbour or parent (two varints), and its content: a type reference and element
 * name, a string, a formatting key and JSON value, an attribute key and value.
 */
export function minimumStateBytes(node: PMNode): number {
  const ITEM = 1 + 2;
  let bytes = 0;
  const walk = (parent: PMNode): void => {
    let previous: readonly Mark[] = [];
    let inText = false;
    parent.forEach((child) => {
      if (child.isText) {
        if (!inText) bytes += ITEM + 1; // The Y.XmlText holding this run and those after it.
        inText = true;
        for (const mark of child.marks) {
          // A mark starting here is a formatting item: its name and its attributes as JSON.
          if (!mark.isInSet(previous))
            bytes += ITEM + minimumStringBytes(mark.type.name) + minimumStringBytes(JSON.stringify(mark.attrs));
        }
        previous = child.marks;
        bytes += ITEM + minimumStringBytes(child.text ?? '');
        return;
      }
      inText = false;
      previous = [];
      bytes += ITEM + 1 + minimumStringBytes(child.type.name);
      for (const [key, value] of Object.entries(child.attrs)) {
        // An attribute is an item of its own: the key, and the value (at least one byte).
        if (value !== null && value !== undefined) bytes += ITEM + minimumStringBytes(key) + 2;
      }
      walk(child);
    });
  };
  walk(node);
  return bytes;
}
