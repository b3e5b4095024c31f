import type { Node } from 'prosemirror-model';
import type { EditorState } from 'prosemirror-state';
import {
  absolutePositionToRelativePosition,
  relativePositionToAbsolutePosition,
  type ProsemirrorBinding,
} from 'y-prosemirror';
import * as Y from 'yjs';

/** What y-prosemirror keeps per Y type: the node it renders to, or a text's run of text nodes. */
type Rendered = Node | Node[];
/**
 * A Yjs type as y-prosemirror walks it (its typings hide `_first`, `_item`, `_length`). `any`, as in
 * y-prosemirror's own mapping type: texts and elements have different event types.
 */
type WalkedType = Y.AbstractType<any>;

/** Marks a node that more than one Y type renders to (a paste can reuse one node object twice). */
const SHARED = Symbol('shared');

/**
 * y-prosemirror's type → node mapping that also answers node → type, so a ProseMirror position can
 * find the Y type of its top-level block without walking the shared document from its start.
 * y-prosemirror only ever calls `get`, `set`, `delete` and `clear`, and `set` is where it records
 * every node it renders or writes.
 */
export class BlockMapping extends Map<WalkedType, Rendered> {
  // Declared, not initialised: Map's constructor calls `set` for the entries it is given before a
  // field initialiser would run, and the initialiser would then throw them away.
  declare private types: WeakMap<Node, WalkedType | typeof SHARED> | undefined;

  /** Records `type → rendered`, and `rendered → type` when it is a node. */
  override set(type: WalkedType, rendered: Rendered): this {
    this.types ??= new WeakMap();
    if (!Array.isArray(rendered)) {
      const known = this.types.get(rendered);
      const other = known !== undefined && known !== type && known !== SHARED && super.get(known) === rendered;
      this.types.set(rendered, other || known === SHARED ? SHARED : type);
    }
    return super.set(type, rendered);
  }

  /** The Y type that renders to `node` now, or null when none or more than one does. */
  typeOf(node: Node): WalkedType | null {
    const type = this.types?.get(node);
    return type === undefined || type === SHARED || super.get(type) !== node ? null : type;
  }
}

/** y-prosemirror's internal fields this walk reads (pinned at 1.3.7). */
interface Walked {
  _first: Y.Item | null;
  _item: Y.Item | null;
  _length: number;
  length: number;
}

const walked = (type: WalkedType): Walked => type as unknown as Walked;
const typeOfItem = (item: Y.Item): WalkedType => (item.content as Y.ContentType).type as WalkedType;

function positionAtItem(type: WalkedType, item: Y.Item): Y.RelativePosition {
  const parent = walked(type)._item;
  const typeId = parent === null ? null : Y.createID(parent.id.client, parent.id.clock);
  return new Y.RelativePosition(typeId, parent === null ? Y.findRootTypeKey(type) : null, item.id);
}

function positionAtEndOf(n: WalkedType): Y.RelativePosition {
  const item = walked(n)._item;
  return new Y.RelativePosition(item === null ? null : item.id, item === null ? Y.findRootTypeKey(n) : null, null);
}

/**
 * y-prosemirror 1.3.7's `absolutePositionToRelativePosition` walk, started at top-level block `n`
 * with `pos` counted from that block's start instead of at the fragment's first block: the state
 * its loop reaches after skipping the blocks before `n`, so from here it takes the same steps and
 * returns the same position. The loop is theirs (MIT), kept as close to it as the types allow.
 */
function walkFrom(n: WalkedType | null, pos: number, type: Y.XmlFragment, mapping: Map<WalkedType, Rendered>) {
  const root = type as WalkedType;
  const empty = type.length === 0 ? -1 : 0;
  while (n !== null && root !== n) {
    if (n instanceof Y.XmlText) {
      if (n._length >= pos) return Y.createRelativePositionFromTypeIndex(n, pos, empty);
      pos -= n._length;
      if (n._item !== null && n._item.next !== null) {
        n = typeOfItem(n._item.next);
      } else {
        do {
          n = walked(n!)._item === null ? null : (walked(n!)._item!.parent as WalkedType);
          pos--;
        } while (n !== root && n !== null && walked(n)._item !== null && walked(n)._item!.next === null);
        if (n !== null && n !== root) n = walked(n)._item === null ? null : typeOfItem(walked(n)._item!.next!);
      }
    } else {
      const w = walked(n);
      const size = (mapping.get(n) as Node | undefined)?.nodeSize ?? 0;
      if (w._first !== null && pos < size) {
        n = typeOfItem(w._first);
        pos--;
      } else {
        if (pos === 1 && w._length === 0 && size > 1) return positionAtEndOf(n);
        pos -= size;
        if (w._item !== null && w._item.next !== null) {
          n = typeOfItem(w._item.next);
        } else {
          if (pos === 0) return positionAtEndOf(w._item === null ? n : (w._item.parent as WalkedType));
          do {
            n = walked(n!)._item!.parent as WalkedType;
            pos--;
          } while (n !== root && walked(n)._item!.next === null);
          if (n !== root) n = typeOfItem(walked(n)._item!.next!);
        }
      }
    }
    if (n === null) throw new Error('unexpected case');
    if (pos === 0 && n.constructor !== Y.XmlText && n !== root)
      return positionAtItem(walked(n)._item!.parent as WalkedType, walked(n)._item!);
  }
  return Y.createRelativePositionFromTypeIndex(type, walked(root)._length, empty);
}

/**
 * `absolutePositionToRelativePosition(pos, type, mapping)` for a position in `doc`, the document
 * `mapping` renders: ProseMirror finds the top-level block, the mapping its Y type, and only that
 * block is walked (y-prosemirror walks every block before it, thousands in a long document, several
 * times per keystroke). Falls back to y-prosemirror's walk when the block's type is not certain or
 * the position lies between top-level blocks.
 */
export function relativePositionInBlock(
  pos: number,
  doc: Node,
  type: Y.XmlFragment,
  mapping: Map<WalkedType, Rendered>,
): Y.RelativePosition {
  if (pos > 0 && pos < doc.content.size && mapping instanceof BlockMapping) {
    const $pos = doc.resolve(pos);
    if ($pos.depth > 0) {
      const block = $pos.node(1);
      const blockType = mapping.typeOf(block);
      const item = blockType === null ? null : walked(blockType)._item;
      if (
        blockType !== null &&
        item !== null &&
        item.parent === type &&
        !item.deleted &&
        walked(blockType)._first !== null
      )
        return walkFrom(blockType, pos - $pos.before(1), type, mapping);
    }
  }
  return absolutePositionToRelativePosition(pos, type, mapping) as Y.RelativePosition;
}

/** The selection as relative positions, as y-prosemirror's `getRelativeSelection` makes it, one block walked per end. */
export function relativeSelectionInBlocks(binding: ProsemirrorBinding, state: EditorState) {
  const { selection, doc } = state;
  return {
    // y-prosemirror reads the selection class's JSON id (all, node, text) to restore it.
    type: (selection as unknown as { jsonID: string }).jsonID,
    anchor: relativePositionInBlock(selection.anchor, doc, binding.type, binding.mapping),
    head: relativePositionInBlock(selection.head, doc, binding.type, binding.mapping),
  };
}

/** Where `node` starts in `doc`'s top level, or -1 (a scan of the top-level list, no Yjs walk). */
function offsetOf(node: Node, doc: Node): number {
  let offset = 0;
  for (let i = 0; i < doc.childCount; i++) {
    const child = doc.child(i);
    if (child === node) return offset;
    offset += child.nodeSize;
  }
  return -1;
}

/** The size y-prosemirror counts for a child type: a text's length, an element's node size. */
function sizeOf(type: WalkedType, mapping: Map<WalkedType, Rendered>): number {
  return type instanceof Y.XmlText ? walked(type)._length : (mapping.get(type) as Node).nodeSize;
}

/**
 * `relativePositionToAbsolutePosition(y, type, relPos, mapping)` for `doc`, the document `mapping`
 * renders: y-prosemirror's walk up from the position to its top-level block, whose start in `doc`
 * then comes from ProseMirror instead of from summing every block before it in Yjs. The steps
 * below the top level are theirs (MIT). Falls back to their walk when the block is not in `doc`.
 */
export function absolutePositionInBlock(
  y: Y.Doc,
  fragment: Y.XmlFragment,
  relPos: Y.RelativePosition,
  mapping: Map<WalkedType, Rendered>,
  doc: Node,
): number | null {
  const decoded = Y.createAbsolutePositionFromRelativePosition(relPos, y);
  const root = fragment as WalkedType;
  if (decoded === null || decoded.type === root || !Y.isParentOf(fragment, walked(decoded.type)._item))
    return relativePositionToAbsolutePosition(y, fragment, relPos, mapping);
  let type = decoded.type as WalkedType;
  let pos = 0;
  if (type instanceof Y.XmlText) {
    pos = decoded.index;
  } else if (walked(type)._item === null || !walked(type)._item!.deleted) {
    let n = walked(type)._first;
    for (let i = 0; i < walked(type)._length && i < decoded.index && n !== null; n = n.right) {
      if (n.deleted) continue;
      i++;
      pos += sizeOf(typeOfItem(n), mapping);
    }
    pos += 1;
  }
  while (walked(type)._item!.parent !== root) {
    const parent = walked(type)._item!.parent as WalkedType;
    if (walked(parent)._item === null || !walked(parent)._item!.deleted) {
      pos += 1;
      for (let n = walked(parent)._first; n !== null; n = n.right) {
        const child = typeOfItem(n);
        if (child === type) break;
        if (!n.deleted) pos += sizeOf(child, mapping);
      }
    }
    type = parent;
  }
  const block = mapping.get(type);
  // A node that two types render to (the same node object inserted twice) has no one place.
  const sure =
    block !== undefined && !Array.isArray(block) && mapping instanceof BlockMapping && mapping.typeOf(block) === type;
  const offset = sure ? offsetOf(block, doc) : -1;
  if (offset < 0) return relativePositionToAbsolutePosition(y, fragment, relPos, mapping);
  // The top-level step: the block's start tag, and the blocks before it.
  return pos + 1 + offset - 1;
}
