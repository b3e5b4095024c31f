import type { AttributeSpec, NodeType } from 'prosemirror-model';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT, safeHref, schema } from '@tandem/crdt-bridge';

/** What holds an item: a root type by name, an XML element by node name, or an XML text. */
type Container =
  | { kind: 'root'; name: string }
  | { kind: 'element'; nodeName: string }
  | { kind: 'text'; parent: Container | null }
  | { kind: 'other' };

/** Node names each node type may hold directly, from the schema's content expressions. */
const ALLOWED_CHILDREN = new Map<string, Set<string>>();
for (const type of Object.values(schema.nodes) as NodeType[]) {
  const allowed = new Set<string>();
  const seen = new Set<unknown>();
  const stack = [type.contentMatch];
  while (stack.length > 0) {
    const match = stack.pop()!;
    if (seen.has(match)) continue;
    seen.add(match);
    for (let i = 0; i < match.edgeCount; i++) {
      const edge = match.edge(i);
      allowed.add(edge.type.name);
      stack.push(edge.next);
    }
  }
  ALLOWED_CHILDREN.set(type.name, allowed);
}

/** Throws unless `value` passes the schema attribute's own validator. */
function checkAttr(spec: AttributeSpec | undefined, value: unknown): void {
  if (!spec) throw new RangeError('no such attribute');
  const { validate } = spec;
  if (typeof validate === 'function') validate(value);
  else if (typeof validate === 'string') {
    const kind = value === null ? 'null' : typeof value;
    if (!validate.split('|').includes(kind)) throw new RangeError(`expected ${validate}`);
  }
}

/** Longest title kept in meta.title. */
const MAX_TITLE_LENGTH = 200;

/** Finds an item by id, among the update's own items first, then the document's. */
class ItemIndex {
  private readonly byClient = new Map<number, Y.Item[]>();

  constructor(
    private readonly doc: Y.Doc,
    items: readonly Y.Item[],
  ) {
    for (const item of items) {
      const list = this.byClient.get(item.id.client) ?? [];
      list.push(item);
      this.byClient.set(item.id.client, list);
    }
  }

  find(id: Y.ID): Y.Item | null {
    for (const item of this.byClient.get(id.client) ?? []) {
      if (id.clock >= item.id.clock && id.clock < item.id.clock + item.length) return item;
    }
    try {
      const found = Y.getItem(this.doc.store, id) as Y.Item | Y.GC | undefined;
      return found instanceof Y.Item ? found : null;
    } catch {
      return null; // Not in the document: a missing dependency, which applying will report.
    }
  }
}

function containerOfType(type: Y.AbstractType<unknown>, doc: Y.Doc): Container {
  if (type instanceof Y.XmlElement) return { kind: 'element', nodeName: type.nodeName };
  if (type instanceof Y.XmlText)
    return { kind: 'text', parent: type.parent ? containerOfType(type.parent as Y.AbstractType<unknown>, doc) : null };
  if (type._item === null) return { kind: 'root', name: Y.findRootTypeKey(type) ?? '' };
  void doc;
  return { kind: 'other' };
}

/**
 * Checks, before an update is applied, that everything it adds to the document
 * body fits the schema: known node names where the parent allows them, valid
 * node attributes, known marks where the block allows them, safe link targets.
 * Returns a reason for refusal, or null when the update may be applied.
 * Content outside the body (other root types) is not the schema's business.
 */
export function schemaViolation(doc: Y.Doc, structs: readonly (Y.Item | Y.GC | Y.Skip)[]): string | null {
  const items = structs.filter((s): s is Y.Item => s instanceof Y.Item);
  if (items.length === 0) return null;
  const index = new ItemIndex(doc, items);
  const cache = new Map<Y.Item, Container | null>();

  const containerOf = (item: Y.Item, depth = 0): Container | null => {
    if (cache.has(item)) return cache.get(item)!;
    if (depth > 10_000) return null;
    let result: Container | null = null;
    const parent: unknown = item.parent;
    if (typeof parent === 'string') result = { kind: 'root', name: parent };
    else if (parent instanceof Y.AbstractType) result = containerOfType(parent, doc);
    else if (parent instanceof Y.ID) {
      const owner = index.find(parent);
      result = owner ? typeContainer(owner, depth + 1) : null;
    } else {
      // No parent written: it is the parent of the item it was inserted next to.
      const neighbour = item.origin ?? item.rightOrigin;
      const other = neighbour ? index.find(neighbour) : null;
      result = other ? containerOf(other, depth + 1) : null;
    }
    cache.set(item, result);
    return result;
  };

  /**
   * The map key (attribute name) an item writes, if any. Like the parent, it is
   * not encoded when the item has a neighbour: it is the neighbour's.
   */
  const keyOf = (item: Y.Item, depth = 0): string | null => {
    if (item.parentSub !== null || item.parent !== null || depth > 10_000) return item.parentSub;
    const neighbour = item.origin ?? item.rightOrigin;
    const other = neighbour ? index.find(neighbour) : null;
    return other ? keyOf(other, depth + 1) : null;
  };

  /** The container an item's own type is (the item holds a ContentType). */
  const typeContainer = (owner: Y.Item, depth: number): Container | null => {
    if (!(owner.content instanceof Y.ContentType)) return { kind: 'other' };
    const type = owner.content.type;
    if (type instanceof Y.XmlElement) return { kind: 'element', nodeName: type.nodeName };
    if (type instanceof Y.XmlText) return { kind: 'text', parent: containerOf(owner, depth + 1) };
    return { kind: 'other' };
  };

  /** Whether the container is inside the body, as far as can be told. */
  const inBody = (container: Container | null): boolean =>
    container !== null &&
    (container.kind === 'element' ||
      (container.kind === 'root' && container.name === CONTENT_FRAGMENT) ||
      (container.kind === 'text' && inBody(container.parent)));

  for (const item of items) {
    const container = containerOf(item);
    if (!container || !inBody(container)) {
      if (container?.kind === 'root' && container.name === 'meta' && keyOf(item) === 'title') {
        const [title] = item.content.getContent() as unknown[];
        if (typeof title !== 'string' || title.length > MAX_TITLE_LENGTH)
          return 'The title must be text of at most 200 characters.';
      }
      continue;
    }
    const content = item.content;
    if (content instanceof Y.ContentDeleted) continue;
    if (container.kind === 'text') {
      if (content instanceof Y.ContentString) continue;
      if (content instanceof Y.ContentFormat) {
        const markType = schema.marks[content.key];
        if (!markType) return `Unknown formatting "${content.key}".`;
        const block = container.parent?.kind === 'element' ? schema.nodes[container.parent.nodeName] : undefined;
        if (block && !block.allowsMarkType(markType)) return `"${block.name}" does not allow "${markType.name}".`;
        if (content.value !== null) {
          if (markType.name === 'link' && safeHref((content.value as { href?: unknown }).href) === null) {
            return 'Links must be absolute http(s) or mailto addresses.';
          }
          try {
            const attrs = typeof content.value === 'object' ? (content.value as Record<string, unknown>) : {};
            for (const [name, value] of Object.entries(attrs)) checkAttr(markType.spec.attrs?.[name], value);
          } catch {
            return `Invalid attributes for "${markType.name}".`;
          }
        }
        continue;
      }
      return 'Only text and formatting may go inside text.';
    }
    if (container.kind === 'other') continue;
    const parentName = container.kind === 'root' ? 'doc' : container.nodeName;
    const parentType = schema.nodes[parentName];
    if (!parentType) return `Unknown block "${parentName}".`;
    const key = keyOf(item);
    if (key !== null) {
      // An attribute of the element.
      const attr = parentType.spec.attrs?.[key];
      if (!attr) return `"${parentName}" has no attribute "${key}".`;
      const [value] = content.getContent() as unknown[];
      try {
        checkAttr(attr, value);
      } catch {
        return `Invalid value for "${parentName}.${key}".`;
      }
      continue;
    }
    if (!(content instanceof Y.ContentType)) return `"${parentName}" holds only elements and text.`;
    const child = content.type;
    const childName = child instanceof Y.XmlElement ? child.nodeName : child instanceof Y.XmlText ? 'text' : null;
    if (childName === null || !schema.nodes[childName]) return `Unknown content in "${parentName}".`;
    if (!ALLOWED_CHILDREN.get(parentName)?.has(childName)) return `"${childName}" cannot go inside "${parentName}".`;
  }
  return null;
}
