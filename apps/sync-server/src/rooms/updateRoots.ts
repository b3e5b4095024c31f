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
 * Whether applying the update could change the root type `root` of `doc`: an item lands
 * there, or the delete set removes something there. Errs on yes when it cannot tell, so
 * a "no" may be trusted: the checks that need the whole update then need not run.
 */
export function mayTouchRoot(doc: Y.Doc, decoded: readonly DecodedUpdate[], root: string): boolean {
  const finder = new RootFinder(doc);
  for (const d of decoded) finder.add(d.structs);
  for (const d of decoded) {
    for (const struct of d.structs) {
      if (!(struct instanceof Y.Item)) continue;
      const found = finder.rootOf(struct);
      if (found === null || found === root) return true;
    }
    for (const [client, ranges] of d.ds.clients)
      if (deletesUnder(doc, client, ranges as DeleteRange[], root)) return true;
  }
  return false;
}
