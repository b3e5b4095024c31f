import type { EditorState } from 'prosemirror-state';
import { Decoration, DecorationSet, type DecorationAttrs } from 'prosemirror-view';
import type { Awareness } from 'y-protocols/awareness';
import { ySyncPluginKey, type ProsemirrorBinding } from 'y-prosemirror';
import * as Y from 'yjs';
import { absolutePositionInBlock, relativePositionInBlock } from './blockPositions.js';

/** What y-prosemirror's sync plugin keeps that carets need. */
interface SyncState {
  doc: Y.Doc;
  type: Y.XmlFragment;
  binding: ProsemirrorBinding;
  snapshot: unknown;
  prevSnapshot: unknown;
}

/** A remote person as awareness has them: unchecked, it comes from the network. */
export interface CaretUser {
  name?: unknown;
  color?: unknown;
}

/** How a caret and a selection are drawn. */
export interface CaretBuilders {
  cursor(user: CaretUser, clientId: number): HTMLElement;
  selection(user: CaretUser, clientId: number): DecorationAttrs;
}

const syncOf = (state: EditorState) => ySyncPluginKey.getState(state) as SyncState;

/**
 * Everyone else's carets and selections in `state`, as y-prosemirror 1.3.7's `createDecorations`
 * draws them (same defaults, same widget keys and sides), with each position found by walking up
 * to its top-level block only ({@link absolutePositionInBlock}): theirs walks every block before it,
 * twice per person, after every remote change.
 */
export function caretDecorations(state: EditorState, awareness: Awareness, build: CaretBuilders): DecorationSet {
  const sync = syncOf(state);
  if (sync.snapshot != null || sync.prevSnapshot != null || sync.binding.mapping.size === 0)
    return DecorationSet.create(state.doc, []);
  const at = (json: unknown) =>
    absolutePositionInBlock(
      sync.doc,
      sync.type,
      Y.createRelativePositionFromJSON(json),
      sync.binding.mapping,
      state.doc,
    );
  const decorations: Decoration[] = [];
  awareness.getStates().forEach((aw, clientId) => {
    if (clientId === sync.doc.clientID || aw.cursor == null) return;
    // y-prosemirror fills these into the state it was given; so does this, for the same labels.
    const user = (aw.user ?? {}) as CaretUser;
    if (user.color == null) user.color = '#ffa500';
    if (user.name == null) user.name = `User: ${clientId}`;
    let anchor = at(aw.cursor.anchor);
    let head = at(aw.cursor.head);
    if (anchor === null || head === null) return;
    const max = Math.max(state.doc.content.size - 1, 0);
    anchor = Math.min(anchor, max);
    head = Math.min(head, max);
    decorations.push(Decoration.widget(head, () => build.cursor(user, clientId), { key: String(clientId), side: 10 }));
    decorations.push(
      Decoration.inline(Math.min(anchor, head), Math.max(anchor, head), build.selection(user, clientId), {
        inclusiveEnd: true,
        inclusiveStart: false,
      }),
    );
  });
  return DecorationSet.create(state.doc, decorations);
}

/**
 * Writes this person's caret to awareness as y-prosemirror 1.3.7's cursor plugin does (only when it
 * moved; cleared when the editor loses focus), found one block at a time ({@link relativePositionInBlock}).
 */
export function sendOwnCaret(state: EditorState, focused: boolean, awareness: Awareness): void {
  const sync = syncOf(state);
  const current = (awareness.getLocalState() ?? {}) as { cursor?: { anchor: unknown; head: unknown } | null };
  if (focused) {
    const { anchor: a, head: h } = state.selection;
    const anchor = relativePositionInBlock(a, state.doc, sync.type, sync.binding.mapping);
    const head = relativePositionInBlock(h, state.doc, sync.type, sync.binding.mapping);
    if (
      current.cursor == null ||
      !Y.compareRelativePositions(Y.createRelativePositionFromJSON(current.cursor.anchor), anchor) ||
      !Y.compareRelativePositions(Y.createRelativePositionFromJSON(current.cursor.head), head)
    )
      awareness.setLocalStateField('cursor', { anchor, head });
  } else if (
    current.cursor != null &&
    absolutePositionInBlock(
      sync.doc,
      sync.type,
      Y.createRelativePositionFromJSON(current.cursor.anchor),
      sync.binding.mapping,
      state.doc,
    ) !== null
  ) {
    // The caret is this editor's (it resolves in this document): take it away.
    awareness.setLocalStateField('cursor', null);
  }
}
