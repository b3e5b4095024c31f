import type { AttributeSpec, MarkType, NodeType } from 'prosemirror-model';
import * as Y from 'yjs';
import { schema } from '../schema/schema.js';
import type { DiffChange, MarkJSON, NodeJSON } from './types.js';

/**
 * How {@link fragmentToJSON} reads the Yjs tree: as it is now (`plain`), or as the
 * union of two snapshots of a merged, non-garbage-collected document (`diff`), where
 * content only in `base` is removed and content only in `target` is added.
 */
export type TreeView = { mode: 'plain' } | { mode: 'diff'; base: Y.Snapshot; target: Y.Snapshot; union: Y.Snapshot };

/** What y-prosemirror's `toDelta` hands back for one run of text. */
interface DeltaOp {
  insert: unknown;
  attributes?: Record<string, unknown>;
}

/** What we ask Yjs to put in a delta's `ychange` attribute (`user` lets Yjs group runs by client). */
interface YChange {
  type: 'added' | 'removed';
  user: number;
}

interface Walk {
  view: TreeView;
  changes: DiffChange[];
}

/** Whether `item` is part of the document at `snapshot` (the check Yjs uses, which it does not export). */
export function visibleIn(item: Y.Item, snapshot: Y.Snapshot): boolean {
  const clock = snapshot.sv.get(item.id.client);
  return clock !== undefined && clock > item.id.clock && !Y.isDeleted(snapshot.ds, item.id);
}

/**
 * Whether `value` passes an attribute's `validate`. A validator function refuses by
 * throwing (ProseMirror ignores what it returns, and ours return nothing), so a throw
 * is the refusal.
 */
function attrValid(spec: AttributeSpec, value: unknown): boolean {
  const validate = spec.validate;
  if (typeof validate === 'function') {
    try {
      validate(value);
      return true;
    } catch {
      return false;
    }
  }
  if (typeof validate === 'string')
    return validate.split('|').some((t) => (t === 'null' ? value === null : typeof value === t));
  return true;
}

/** The attributes the schema knows and accepts, or undefined when none are set (defaults apply). */
function cleanAttrs(
  specs: Readonly<Record<string, AttributeSpec>> | undefined,
  raw: Record<string, unknown> | null | undefined,
): Record<string, unknown> | undefined {
  if (!specs || !raw) return undefined;
  let out: Record<string, unknown> | undefined;
  for (const [key, spec] of Object.entries(specs)) {
    const value = raw[key];
    if (value === undefined || value === null || !attrValid(spec, value)) continue;
    (out ??= {})[key] = value;
  }
  return out;
}

/** y-prosemirror names overlapping marks `name--hash`; the mark is the part before. */
function markName(attribute: string): string {
  return /^(.*)--[a-zA-Z0-9+/=]{8}$/.exec(attribute)?.[1] ?? attribute;
}

/** Marks for a run's formatting attributes, keeping those the parent allows and the schema accepts. */
function marksOf(attributes: Record<string, unknown> | undefined, parent: NodeType): MarkJSON[] | undefined {
  if (!attributes) return undefined;
  let marks: MarkJSON[] | undefined;
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'ychange' || value === null || value === undefined) continue;
    const type: MarkType | undefined = schema.marks[markName(key)];
    if (!type || !parent.allowsMarkType(type)) continue;
    const raw = typeof value === 'object' ? (value as Record<string, unknown>) : {};
    const specs = type.spec.attrs;
    // A mark with a required attribute that is missing or refused (an unsafe link) is dropped, its text kept.
    if (specs && Object.entries(specs).some(([k, s]) => !('default' in s) && (raw[k] == null || !attrValid(s, raw[k]))))
      continue;
    const attrs = cleanAttrs(specs, raw);
    (marks ??= []).push(attrs ? { type: type.name, attrs } : { type: type.name });
  }
  return marks;
}

/** Plain text of a JSON node: textblocks' text, blocks joined by newlines. */
export function jsonText(node: NodeJSON): string {
  if (node.text !== undefined) return node.text;
  const type = schema.nodes[node.type];
  if (!node.content) return type?.isTextblock ? '' : type?.name === 'hard_break' ? '\n' : '';
  return node.content.map(jsonText).join(type?.isTextblock ? '' : '\n');
}

/** The children of `type` that this view shows. */
function childrenOf(type: Y.XmlElement | Y.XmlFragment, view: TreeView): (Y.XmlElement | Y.XmlText)[] {
  const all =
    view.mode === 'plain'
      ? type.toArray()
      : (Y.typeListToArraySnapshot(type, view.union) as (Y.XmlElement | Y.XmlText | Y.XmlHook)[]);
  return all.filter((c): c is Y.XmlElement | Y.XmlText => c instanceof Y.XmlElement || c instanceof Y.XmlText);
}

/** Whether an item is in the base and in the target of a diff view. */
function presence(item: Y.Item | null, view: TreeView): 'both' | 'added' | 'removed' | 'neither' {
  if (view.mode === 'plain' || item === null) return 'both';
  const inBase = visibleIn(item, view.base);
  const inTarget = visibleIn(item, view.target);
  return inBase && inTarget ? 'both' : inTarget ? 'added' : inBase ? 'removed' : 'neither';
}

/** Appends text runs of `text` to `out`; returns their total length. */
function textRuns(text: Y.XmlText, parent: NodeType, pos: number, walk: Walk, quiet: boolean, out: NodeJSON[]): number {
  const { view } = walk;
  const ops = (
    view.mode === 'plain'
      ? text.toDelta()
      : text.toDelta(view.target, view.base, (type: 'added' | 'removed', id: Y.ID): YChange => ({
          type,
          user: id.client,
        }))
  ) as DeltaOp[];
  let at = pos;
  for (const op of ops) {
    if (typeof op.insert !== 'string' || op.insert === '') continue;
    const marks = marksOf(op.attributes, parent);
    out.push(marks ? { type: 'text', text: op.insert, marks } : { type: 'text', text: op.insert });
    const change = op.attributes?.ychange as YChange | undefined;
    if (change && !quiet) {
      walk.changes.push({
        type: change.type,
        from: at,
        to: at + op.insert.length,
        block: false,
        text: op.insert,
        client: change.user,
      });
    }
    at += op.insert.length;
  }
  return at - pos;
}

/** Converts one element at `pos`; returns null for elements the schema does not know. */
function elementJSON(
  element: Y.XmlElement,
  pos: number,
  walk: Walk,
  quiet: boolean,
): { node: NodeJSON; size: number } | null {
  const type = schema.nodes[element.nodeName];
  if (!type || type.isText || type === schema.topNodeType) return null;
  const { view } = walk;
  const where = presence(element._item, view);
  if (where === 'neither') return null;
  const read = (snapshot?: Y.Snapshot): Record<string, unknown> =>
    element.getAttributes(snapshot) as Record<string, unknown>;
  const attrs =
    view.mode === 'plain'
      ? cleanAttrs(type.spec.attrs, read())
      : cleanAttrs(type.spec.attrs, read(where === 'removed' ? view.base : view.target));
  const node: NodeJSON = attrs ? { type: type.name, attrs } : { type: type.name };
  // Inside an added or removed node the node's own change says it all.
  const innerQuiet = quiet || where === 'added' || where === 'removed';
  let size = 1;
  if (!type.isLeaf) {
    const content: NodeJSON[] = [];
    let at = pos + 1;
    for (const child of childrenOf(element, view)) {
      if (child instanceof Y.XmlText) {
        if (!type.inlineContent) continue;
        at += textRuns(child, type, at, walk, innerQuiet, content);
      } else {
        const converted = elementJSON(child, at, walk, innerQuiet);
        if (!converted) continue;
        content.push(converted.node);
        at += converted.size;
      }
    }
    if (content.length > 0) node.content = content;
    size = at - pos + 1;
  }
  if (view.mode === 'diff' && !quiet && element._item) {
    let type: DiffChange['type'] | null = where === 'added' || where === 'removed' ? where : null;
    if (type === null) {
      const before = cleanAttrs(schema.nodes[element.nodeName]!.spec.attrs, read(view.base));
      if (JSON.stringify(before ?? {}) !== JSON.stringify(attrs ?? {})) type = 'changed';
    }
    if (type !== null) {
      walk.changes.push({
        type,
        from: pos,
        to: pos + size,
        block: true,
        text: jsonText(node),
        client: element._item.id.client,
      });
    }
  }
  return { node, size };
}

/** The body's top-level nodes as JSON, with their changes when the view is a diff. */
export function fragmentToJSON(
  fragment: Y.XmlFragment,
  view: TreeView,
): { content: NodeJSON[]; elements: Y.XmlElement[]; changes: DiffChange[] } {
  const walk: Walk = { view, changes: [] };
  const content: NodeJSON[] = [];
  const elements: Y.XmlElement[] = [];
  const read = (): void => {
    let at = 0;
    for (const child of childrenOf(fragment, view)) {
      // Only blocks belong at the top; anything else would not render (and must not leave changes behind).
      if (!(child instanceof Y.XmlElement) || !schema.nodes[child.nodeName]?.isBlock) continue;
      const converted = elementJSON(child, at, walk, false);
      if (!converted) continue;
      content.push(converted.node);
      elements.push(child);
      at += converted.size;
    }
  };
  // A snapshot-aware `toDelta` first splits the structs at every range of both snapshots'
  // delete sets, once per transaction, and merges them back when it ends: in one
  // transaction for the whole walk that happens once, not once per text (6× faster
  // on the 10× automerge-paper document, whose delete sets hold 26k ranges each).
  if (view.mode === 'diff' && fragment.doc) Y.transact(fragment.doc, read, 'cleanup');
  else read();
  return { content, elements, changes: walk.changes };
}
