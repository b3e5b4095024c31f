import type { EditorState } from 'prosemirror-state';
import { absolutePositionToRelativePosition, relativePositionToAbsolutePosition, ySyncPluginKey } from 'y-prosemirror';
import * as Y from 'yjs';
import { DELETION_MARK, INSERTION_MARK, type CommentAnchor } from '@tandem/crdt-bridge';

/** What y-prosemirror's sync plugin keeps: the shared fragment and the node mapping its positions need. */
interface SyncState {
  type: Y.XmlFragment;
  doc: Y.Doc;
  binding: { mapping: Map<Y.AbstractType<unknown>, unknown> } | null;
}

function syncState(state: EditorState): SyncState | null {
  const sync = ySyncPluginKey.getState(state) as SyncState | undefined;
  return sync?.binding ? sync : null;
}

/** y-prosemirror's map from shared nodes to ProseMirror nodes, which turns positions into relative ones. */
export type NodeMapping = Parameters<typeof absolutePositionToRelativePosition>[2];

/** A range of the ProseMirror document over `type` as relative positions, stored as JSON. */
export function anchorInFragment(type: Y.XmlFragment, mapping: NodeMapping, from: number, to: number): CommentAnchor {
  const start = absolutePositionToRelativePosition(from, type, mapping);
  const end = absolutePositionToRelativePosition(to, type, mapping);
  return { start: Y.relativePositionToJSON(start), end: Y.relativePositionToJSON(end) };
}

/** Where a range of the document is, as relative positions that follow every later edit; null before the editor is bound. */
export function anchorFor(state: EditorState, from: number, to: number): CommentAnchor | null {
  const sync = syncState(state);
  if (!sync) return null;
  // y-prosemirror's typings name its own mapping type; the runtime object is the binding's Map.
  return anchorInFragment(sync.type, sync.binding!.mapping as NodeMapping, from, to);
}

/** A resolved anchor: ProseMirror positions now. `from === to` means its text has been deleted. */
export interface AnchorRange {
  from: number;
  to: number;
}

function resolveOne(doc: Y.Doc, type: Y.XmlFragment, mapping: NodeMapping, json: unknown, size: number): number | null {
  try {
    const rel = Y.createRelativePositionFromJSON(json);
    const pos = relativePositionToAbsolutePosition(doc, type, rel, mapping);
    return pos === null ? null : Math.max(0, Math.min(pos, size));
  } catch {
    // A position into content this client has not received yet (or malformed): not placeable now.
    return null;
  }
}

/**
 * Where `anchor` is now in the ProseMirror document (of `size`) that `mapping` describes;
 * null when neither end can be placed.
 */
export function resolveInFragment(
  doc: Y.Doc,
  type: Y.XmlFragment,
  mapping: NodeMapping,
  anchor: CommentAnchor,
  size: number,
): AnchorRange | null {
  const from = resolveOne(doc, type, mapping, anchor.start, size);
  const to = resolveOne(doc, type, mapping, anchor.end, size);
  if (from === null && to === null) return null;
  const a = from ?? to!;
  const b = to ?? from!;
  return a <= b ? { from: a, to: b } : { from: b, to: a };
}

/** Where `anchor` is in `state` now; null when it cannot be placed (not yet bound, or content not yet here). */
export function resolveAnchor(state: EditorState, anchor: CommentAnchor): AnchorRange | null {
  const sync = syncState(state);
  if (!sync) return null;
  return resolveInFragment(sync.doc, sync.type, sync.binding!.mapping as NodeMapping, anchor, state.doc.content.size);
}

/** Where the text carrying suggestion `id` (an insertion or deletion mark) is; null when none is left. */
export function suggestionRange(state: EditorState, id: string): AnchorRange | null {
  let from = -1;
  let to = -1;
  state.doc.descendants((node, pos) => {
    if (!node.isText) return true;
    const marked = node.marks.some(
      (m) => (m.type.name === INSERTION_MARK || m.type.name === DELETION_MARK) && m.attrs.id === id,
    );
    if (marked) {
      if (from < 0) from = pos;
      to = pos + node.nodeSize;
    }
    return false;
  });
  return from < 0 ? null : { from, to };
}
