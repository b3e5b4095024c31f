import * as Y from 'yjs';
import { DELETION_MARK, INSERTION_MARK } from '@tandem/crdt-bridge/schema';

type Attributes = Record<string, unknown>;
interface DeltaOp {
  insert?: unknown;
  attributes?: Attributes;
}

/** JSON with object keys sorted, so the same content gives the same string whatever order Yjs read it in. */
function stableJson(value: unknown): string {
  if (value instanceof Y.AbstractType) return `"<${value.constructor.name}>"`;
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableJson((value as Attributes)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function authorOf(attrs: Attributes | undefined, mark: string): unknown {
  const value = attrs?.[mark];
  return typeof value === 'object' && value !== null ? (value as { author?: unknown }).author : undefined;
}

/**
 * An XML text's formatted runs with `author`'s suggestions taken out: text they suggested
 * inserting goes, their deletion marks go (the text stays). Neighbouring runs that then
 * carry the same formatting are joined, as they would be had the suggestion never been made.
 */
function textShape(text: Y.XmlText, author: string): string {
  const runs: { insert: unknown; attrs: string }[] = [];
  for (const op of text.toDelta() as DeltaOp[]) {
    if (authorOf(op.attributes, INSERTION_MARK) === author) continue;
    let attributes = op.attributes;
    if (authorOf(attributes, DELETION_MARK) === author) {
      attributes = { ...attributes };
      delete attributes[DELETION_MARK];
    }
    const attrs = stableJson(attributes ?? {});
    const last = runs.at(-1);
    if (last && last.attrs === attrs && typeof last.insert === 'string' && typeof op.insert === 'string')
      last.insert += op.insert;
    else runs.push({ insert: typeof op.insert === 'string' ? op.insert : stableJson(op.insert), attrs });
  }
  return `T${stableJson(runs.map((r) => [r.insert, r.attrs]))}`;
}

/** One node of the body (and everything in it) as a string, without `author`'s suggestions. */
function nodeShape(node: Y.XmlElement | Y.XmlText | Y.XmlHook, author: string): string {
  if (node instanceof Y.XmlText) return textShape(node, author);
  if (node instanceof Y.XmlElement) {
    const children = node.toArray().map((child) => nodeShape(child, author));
    return `E${JSON.stringify(node.nodeName)}${stableJson(node.getAttributes())}[${children.join(',')}]`;
  }
  return 'H'; // The schema allows no hooks; the schema guard refuses them.
}

/** Any shared type, as Yjs's own functions take it. */
type SharedType = Parameters<typeof Y.findRootTypeKey>[0];

/**
 * Whether the change from `before` to `after` (the same document without and with an
 * update whose transaction changed `changed`) does more to `fragment`'s content than add
 * or take out `author`'s suggestions. Only the top-level blocks the update changed are
 * compared, so a keystroke in a large document costs one block; when the update adds or
 * removes top-level blocks the whole body is compared.
 */
export function changesBodyBeyondSuggestions(
  before: Y.Doc,
  after: Y.Doc,
  fragmentName: string,
  changed: Iterable<SharedType>,
  author: string,
): boolean {
  const fragment = after.getXmlFragment(fragmentName);
  const blocks = new Map<string, Y.ID>();
  for (const type of changed) {
    if (type === fragment) {
      return (
        bodyWithoutSuggestionsOf(before.getXmlFragment(fragmentName), author) !==
        bodyWithoutSuggestionsOf(fragment, author)
      );
    }
    let t: SharedType | null = type;
    while (t?._item && t._item.parent !== fragment) t = t._item.parent as SharedType | null;
    if (t?._item) blocks.set(`${t._item.id.client}:${t._item.id.clock}`, t._item.id);
  }
  for (const id of blocks.values()) {
    const was = Y.getItem(before.store, id);
    const now = Y.getItem(after.store, id);
    if (!(was instanceof Y.Item) || !(now instanceof Y.Item) || was.deleted !== now.deleted) return true;
    const [a, b] = [was.content, now.content];
    if (!(a instanceof Y.ContentType) || !(b instanceof Y.ContentType)) return true;
    if (nodeShape(a.type as Y.XmlElement, author) !== nodeShape(b.type as Y.XmlElement, author)) return true;
  }
  return false;
}

/**
 * The document body (the `prosemirror` fragment) as a string, with every suggestion of
 * `author` taken out. A commenter's update is allowed in the body only when this is the
 * same before and after it: all they changed was their own suggestions.
 */
export function bodyWithoutSuggestionsOf(fragment: Y.XmlFragment, author: string): string {
  return fragment
    .toArray()
    .map((node) => nodeShape(node, author))
    .join('\n');
}
