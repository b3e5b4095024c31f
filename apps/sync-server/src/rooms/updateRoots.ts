import * as Y from 'yjs';
import { ItemIndex } from './ItemIndex.js';
import type { DecodedUpdate, DeleteRange } from './v1Update.js';

/** Any shared type, as Yjs's own functions take it. */
type SharedType = Parameters<typeof Y.findRootTypeKey>[0];

/** The root type an integrated item of the document lives in, by name; null when it cannot be told. */
function rootOfIntegrated(item: Y.Item): string | null {
  let type = item.parent as SharedType | null;
  while (type?._item) type = type._item.parent as SharedType | null;
  return type ? (Y.findRootTypeKey(type) ?? null) : null;
}

/** Marks an item whose answer is being worked out, so a cycle of references ends. */
const RESOLVING = Symbol('resolving');

/**
 * The root types an update's items land in, worked out before it is applied: an item
 * names its parent (a root by name, or the item holding a type) or, when it has a
 * neighbour, is wherever its neighbour is. Chains are followed without recursion and
 * remembered, so a long paste costs one step per item.
 */
class RootFinder {
  private readonly index: ItemIndex;
  private readonly roots = new Map<Y.Item, string | null | typeof RESOLVING>();

  constructor(private readonly doc: Y.Doc) {
    this.index = new ItemIndex(doc);
  }

  /** Adds an update's items (all of them before the first {@link rootOf}). */
  add(structs: readonly (Y.Item | Y.GC | Y.Skip)[]): void {
    for (const struct of structs) if (struct instanceof Y.Item) this.index.add(struct);
  }

  /** The root an item of the update (or of the document) lands in, or null when unknown. */
  rootOf(start: Y.Item): string | null {
    const chain: Y.Item[] = [];
    let item = start;
    let result: string | null;
    for (;;) {
      const known = this.roots.get(item);
      if (known !== undefined) {
        result = known === RESOLVING ? null : known;
        break;
      }
      if (item.parent instanceof Y.AbstractType) {
        result = rootOfIntegrated(item);
        break;
      }
      this.roots.set(item, RESOLVING);
      chain.push(item);
      const parent: unknown = item.parent;
      const next =
        typeof parent === 'string'
          ? null
          : parent instanceof Y.ID
            ? this.index.find(parent)
            : item.origin || item.rightOrigin
              ? this.index.find((item.origin ?? item.rightOrigin)!)
              : null;
      if (typeof parent === 'string' || next === null) {
        result = typeof parent === 'string' ? parent : null;
        break;
      }
      item = next; // The item holding the parent type, or the neighbour: the same root either way.
    }
    for (const link of chain) this.roots.set(link, result);
    return result;
  }
}

/** Whether anything in `ranges` of `client` deletes content of `doc` under the root `root` (or where, cannot be told). */
function deletesUnder(doc: Y.Doc, client: number, ranges: readonly DeleteRange[], root: string): boolean {
  const structs = doc.store.clients.get(client);
  if (!structs) return false;
  const known = Y.getState(doc.store, client);
  for (const { clock, len } of ranges) {
    const end = Math.min(clock + len, known);
    if (clock >= end) continue;
    for (let i = Y.findIndexSS(structs, clock); i < structs.length && structs[i]!.id.clock < end; i++) {
      const struct = structs[i]!;
      if (struct instanceof Y.Item && !struct.deleted && rootOfIntegrated(struct) === root) return true;
    }
  }
  return false;
}

/**
 * Whether applying an update could change the root type `root` of a document: an item
 * lands there, or the delete set removes something there. Errs on yes when it cannot
 * tell, so a "no" may be trusted: the checks that need the whole update then need not
 * run. In steps, like the schema check: {@link add} every part, then {@link run} until it
 * gives a verdict, so a large update is looked at a slice at a time.
 */
export class RootCheck {
  private readonly finder: RootFinder;
  private readonly items: Y.Item[] = [];
  private readonly deletes: [number, DeleteRange[]][] = [];
  private next = 0;

  constructor(
    private readonly doc: Y.Doc,
    private readonly root: string,
  ) {
    this.finder = new RootFinder(doc);
  }

  /** Adds a part of the update. */
  add(decoded: DecodedUpdate): void {
    this.finder.add(decoded.structs);
    for (const struct of decoded.structs) if (struct instanceof Y.Item) this.items.push(struct);
    for (const [client, ranges] of decoded.ds.clients) this.deletes.push([client, ranges as DeleteRange[]]);
  }

  /** True or false once known, undefined when the clock passed `deadline` (`performance.now()` ms) first: call again. */
  run(deadline = Infinity): boolean | undefined {
    for (; this.next < this.items.length; this.next++) {
      if ((this.next & 255) === 0 && performance.now() > deadline) return undefined;
      const found = this.finder.rootOf(this.items[this.next]!);
      if (found === null || found === this.root) return true;
    }
    return this.deletes.some(([client, ranges]) => deletesUnder(this.doc, client, ranges, this.root));
  }
}

/** {@link RootCheck} in one go, for an update small enough to look at whole. */
export function mayTouchRoot(doc: Y.Doc, decoded: readonly DecodedUpdate[], root: string): boolean {
  const check = new RootCheck(doc, root);
  for (const d of decoded) check.add(d);
  return check.run()!;
}
