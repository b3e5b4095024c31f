import type { EditorState } from 'prosemirror-state';
import { absolutePositionToRelativePosition, relativePositionToAbsolutePosition, ySyncPluginKey } from 'y-prosemirror';
import * as Y from 'yjs';
import type { CommentAnchor } from '@tandem/crdt-bridge';

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

/** Where a range of the document is, as relative positions that follow every later edit; null before the editor is bound. */
export function anchorFor(state: EditorState, from: number, to: number): CommentAnchor | null {
  const sync = syncState(state);
  if (!sync) return null;
  // y-prosemirror's typings name its own mapping type; the runtime object is the binding's Map.
  const mapping = sync.binding!.mapping as Parameters<typeof absolutePositionToRelativePosition>[2];
  const start = absolutePositionToRelativePosition(from, sync.type, mapping);
  const end = absolutePositionToRelativePosition(to, sync.type, mapping);
  return { start: Y.relativePositionToJSON(start), end: Y.relativePositionToJSON(end) };
}

/** A resolved anchor: ProseMirror positions now. `from === to` means its text has been deleted. */
export interface AnchorRange {
  from: number;
  to: number;
}

function resolve(sync: SyncState, json: unknown, size: number): number | null {
  const mapping = sync.binding!.mapping as Parameters<typeof relativePositionToAbsolutePosition>[3];
  try {
    const rel = Y.createRelativePositionFromJSON(json);
    const pos = relativePositionToAbsolutePosition(sync.doc, sync.type, rel, mapping);
    return pos === null ? null : Math.max(0, Math.min(pos, size));
  } catch {
    // A position into content this client has not received yet (or malformed): not placeable now.
    return null;
  }
}

/** Where `anchor` is in `state` now; null when it cannot be placed (not yet bound, or content not yet here). */
export function resolveAnchor(state: EditorState, anchor: CommentAnchor): AnchorRange | null {
  const sync = syncState(state);
  if (!sync) return null;
  const size = state.doc.content.size;
  const from = resolve(sync, anchor.start, size);
  const to = resolve(sync, anchor.end, size);
  if (from === null && to === null) return null;
  const a = from ?? to!;
  const b = to ?? from!;
  return a <= b ? { from: a, to: b } : { from: b, to: a };
}

/** Where the text carrying suggestion `id` (an insertion or deletion mark) is; null when none is left. */
export function suggestionRange(state: EditorState, id: string): AnchorRange | null {
  let from = -1;
  let to = -1;
  state.doc.descendants((node, pos) => {
    if (!node.isText) return true;
    const marked = node.marks.some(
      (m) => (m.type.name === 'insertion' || m.type.name === 'deletion') && m.attrs.id === id,
    );
    if (marked) {
      if (from < 0) from = pos;
      to = pos + node.nodeSize;
    }
    return false;
  });
  return from < 0 ? null : { from, to };
}
