import type { AttributeSpec, NodeType } from 'prosemirror-model';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT, META_MAP, TITLE_KEY, safeHref, schema, titleProblem } from '@tandem/crdt-bridge/schema';
import { ItemIndex } from './ItemIndex.js';

/**
 * What holds an item: a root type by name, an XML element by node name, an XML text
 * (with the block around it and whether that is inside the body), or anything else.
 */
type Container =
  | { kind: 'root'; name: string }
  | { kind: 'element'; nodeName: string }
  | { kind: 'text'; block: string | null; inBody: boolean }
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

/**
 * Throws unless `attrs` passes each attribute's validator and holds every attribute without
 * a default: a colour mark with no colour would make every client's editor throw.
 */
function checkMarkAttrs(specs: Record<string, AttributeSpec>, attrs: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(attrs)) checkAttr(specs[name], value);
  for (const [name, spec] of Object.entries(specs))
    if (!('default' in spec) && !(name in attrs)) throw new RangeError(`no value for ${name}`);
}

/** Whether the container is inside the body, as far as can be told. */
function inBody(container: Container | null): boolean {
  if (container === null) return false;
  if (container.kind === 'element') return true;
  if (container.kind === 'root') return container.name === CONTENT_FRAGMENT;
  return container.kind === 'text' && container.inBody;
}

/** The container of an XML text whose own container is `outer`. */
function textIn(outer: Container | null): Container | null {
  if (outer === null) return null;
  return { kind: 'text', block: outer.kind === 'element' ? outer.nodeName : null, inBody: inBody(outer) };
}

/** The container an integrated type of the document is. */
function containerOfType(type: Y.AbstractType<unknown>): Container {
  if (type instanceof Y.XmlElement) return { kind: 'element', nodeName: type.nodeName };
  if (type instanceof Y.XmlText) {
    // Text inside text never passed this guard, so the text's parent is a block or a root.
    const parent = type.parent as Y.AbstractType<unknown> | null;
    const outer: Container | null =
      parent instanceof Y.XmlElement
        ? { kind: 'element', nodeName: parent.nodeName }
        : parent !== null && parent._item === null
          ? { kind: 'root', name: Y.findRootTypeKey(parent) ?? '' }
          : null;
    return textIn(outer) ?? { kind: 'other' };
  }
  if (type._item === null) return { kind: 'root', name: Y.findRootTypeKey(type) ?? '' };
  return { kind: 'other' };
}

/** Marks an item whose answer is being worked out, so a cycle of references ends instead of looping. */
const RESOLVING = Symbol('resolving');

/**
 * Checks, before an update is applied, that everything it adds to the document
 * body fits the schema: known node names where the parent allows them, valid
 * node attributes, known marks where the block allows them, safe link targets.
 * Returns a reason for refusal, or null when the update may be applied.
 * Content outside the body (other root types) is not the schema's business.
 * Linear in the update's size (plus a binary search per reference): a paste of
 * thousands of paragraphs is one long chain of references, each followed once.
 */
export function schemaViolation(doc: Y.Doc, structs: readonly (Y.Item | Y.GC | Y.Skip)[]): string | null {
  const check = new SchemaCheck(doc);
  check.add(structs);
  return check.run()!;
}

/**
 * The schema check of one update, in steps: {@link add} every part of the update, then
 * {@link run} until it gives a verdict, so a large update can be checked a slice at a
 * time between other work.
 */
export class SchemaCheck {
  private readonly items: Y.Item[] = [];
  private readonly index: ItemIndex;
  private readonly containers = new Map<Y.Item, Container | null | typeof RESOLVING>();
  private readonly keys = new Map<Y.Item, string | null | typeof RESOLVING>();
  /** The attributes this update gives elements it names by id ("client:clock key"): a new element's required ones must be among them. */
  private readonly attrsGiven = new Set<string>();
  private next = 0;
  /** Links of reference chains followed so far: the check's work, which must grow linearly with the update. */
  private links = 0;

  constructor(doc: Y.Doc) {
    this.index = new ItemIndex(doc);
  }

  /** Reference links followed so far (each item's chain is followed once and remembered). */
  get linksFollowed(): number {
    return this.links;
  }

  /** Adds structs of the update (every part must be added before `run`). */
  add(structs: readonly (Y.Item | Y.GC | Y.Skip)[]): void {
    for (const struct of structs) {
      if (!(struct instanceof Y.Item)) continue;
      this.items.push(struct);
      this.index.add(struct);
      if (struct.parent instanceof Y.ID && struct.parentSub !== null)
        this.attrsGiven.add(`${struct.parent.client}:${struct.parent.clock} ${struct.parentSub}`);
    }
  }

  /**
   * Checks items until every one is checked or the clock passes `deadline`
   * (`performance.now()` milliseconds): a reason for refusal, null when everything fits,
   * or undefined when the time ran out first (call again to go on).
   */
  run(deadline = Infinity): string | null | undefined {
    for (; this.next < this.items.length; this.next++) {
      if ((this.next & 255) === 0 && performance.now() > deadline) return undefined;
      const reason = this.check(this.items[this.next]!);
      if (reason !== null) return reason;
    }
    return null;
  }

  /**
   * The container of an item. Its parent is not encoded when it has a neighbour (it is
   * the neighbour's), and the content of an XML text names the text, whose own container
   * must be found first: both make chains, followed here without recursion and
   * remembered for every item on the way.
   */
  private containerOf(start: Y.Item): Container | null {
    /** Items whose answer follows from the next one's; `text`: it is content of that XML text. */
    const chain: { item: Y.Item; text: boolean }[] = [];
    let item = start;
    let result: Container | null;
    for (;;) {
      this.links++;
      const known = this.containers.get(item);
      if (known !== undefined) {
        result = known === RESOLVING ? null : known; // A cycle: Yjs could not integrate it either.
        break;
      }
      this.containers.set(item, RESOLVING);
      const link = { item, text: false };
      chain.push(link);
      const parent: unknown = item.parent;
      if (typeof parent === 'string') {
        result = { kind: 'root', name: parent };
        break;
      }
      if (parent instanceof Y.AbstractType) {
        result = containerOfType(parent);
        break;
      }
      if (parent instanceof Y.ID) {
        const owner = this.index.find(parent);
        const type = owner?.content instanceof Y.ContentType ? owner.content.type : null;
        if (owner === null) result = null;
        else if (type instanceof Y.XmlElement) result = { kind: 'element', nodeName: type.nodeName };
        else if (!(type instanceof Y.XmlText)) result = { kind: 'other' };
        else {
          link.text = true;
          item = owner;
          continue;
        }
        break;
      }
      const neighbour = item.origin ?? item.rightOrigin;
      const next = neighbour ? this.index.find(neighbour) : null;
      if (next === null) {
        result = null;
        break;
      }
      item = next;
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const link = chain[i]!;
      if (link.text) result = textIn(result);
      this.containers.set(link.item, result);
    }
    return result;
  }

  /**
   * The map key (attribute name) an item writes, if any. Like the parent, it is not
   * encoded when the item has a neighbour: it is the neighbour's. Resolved as a chain, once.
   */
  private keyOf(start: Y.Item): string | null {
    const chain: Y.Item[] = [];
    let item = start;
    let result: string | null;
    for (;;) {
      this.links++;
      const known = this.keys.get(item);
      if (known !== undefined) {
        result = known === RESOLVING ? null : known;
        break;
      }
      this.keys.set(item, RESOLVING);
      chain.push(item);
      if (item.parentSub !== null || item.parent !== null) {
        result = item.parentSub;
        break;
      }
      const neighbour = item.origin ?? item.rightOrigin;
      const next = neighbour ? this.index.find(neighbour) : null;
      if (next === null) {
        result = null;
        break;
      }
      item = next;
    }
    for (const link of chain) this.keys.set(link, result);
    return result;
  }

  /** Why `item` does not fit the schema, or null when it does. */
  private check(item: Y.Item): string | null {
    const container = this.containerOf(item);
    if (!container || !inBody(container)) {
      if (container?.kind === 'root' && container.name === META_MAP && this.keyOf(item) === TITLE_KEY) {
        const [title] = item.content.getContent() as unknown[];
        return titleProblem(title);
      }
      return null;
    }
    const content = item.content;
    if (content instanceof Y.ContentDeleted) return null;
    if (container.kind === 'text') {
      if (content instanceof Y.ContentString) return null;
      if (content instanceof Y.ContentFormat) {
        const markType = schema.marks[content.key];
        if (!markType) return `Unknown formatting "${content.key}".`;
        const block = container.block !== null ? schema.nodes[container.block] : undefined;
        if (block && !block.allowsMarkType(markType)) return `"${block.name}" does not allow "${markType.name}".`;
        if (content.value !== null) {
          if (markType.name === 'link' && safeHref((content.value as { href?: unknown }).href) === null) {
            return 'Links must be absolute http(s) or mailto addresses.';
          }
          try {
            const attrs = typeof content.value === 'object' ? (content.value as Record<string, unknown>) : {};
            checkMarkAttrs(markType.spec.attrs ?? {}, attrs);
          } catch {
            return `Invalid attributes for "${markType.name}".`;
          }
        }
        return null;
      }
      return 'Only text and formatting may go inside text.';
    }
    if (container.kind === 'other') return null;
    const parentName = container.kind === 'root' ? 'doc' : container.nodeName;
    const parentType = schema.nodes[parentName];
    if (!parentType) return `Unknown block "${parentName}".`;
    const key = this.keyOf(item);
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
      return null;
    }
    if (!(content instanceof Y.ContentType)) return `"${parentName}" holds only elements and text.`;
    const child = content.type;
    const childName = child instanceof Y.XmlElement ? child.nodeName : child instanceof Y.XmlText ? 'text' : null;
    if (childName === null || !schema.nodes[childName]) return `Unknown content in "${parentName}".`;
    if (!ALLOWED_CHILDREN.get(parentName)?.has(childName)) return `"${childName}" cannot go inside "${parentName}".`;
    return this.missingAttr(item, childName);
  }

  /** Why a new element lacks an attribute its node needs (one without a default, e.g. an image's id), or null. */
  private missingAttr(item: Y.Item, name: string): string | null {
    for (const [attr, spec] of Object.entries(schema.nodes[name]!.spec.attrs ?? {})) {
      if ('default' in spec) continue;
      if (!this.attrsGiven.has(`${item.id.client}:${item.id.clock} ${attr}`)) return `"${name}" needs "${attr}".`;
    }
    return null;
  }
}
