import { Plugin, PluginKey, type EditorState, type Transaction } from 'prosemirror-state';
import { Decoration, DecorationSet } from 'prosemirror-view';
import { ySyncPluginKey } from 'y-prosemirror';
import type { CommentAnchor, ThreadStatus } from '@tandem/crdt-bridge';
import { resolveAnchor } from './anchors.js';

/** What one highlight is drawn from: a thread (or the draft of one). */
export interface HighlightTarget {
  id: string;
  anchor: CommentAnchor | null;
  status: ThreadStatus;
}

/** What the highlights are drawn from: the open anchored threads and the one in focus. */
interface HighlightState {
  threads: readonly HighlightTarget[];
  active: string | null;
  decorations: DecorationSet;
}

/** A change to what is highlighted, sent as transaction meta. */
export interface HighlightMeta {
  threads?: readonly HighlightTarget[];
  active?: string | null;
}

/** The highlight plugin's key: dispatch meta through {@link setHighlights}. */
export const commentHighlightKey = new PluginKey<HighlightState>('commentHighlights');

function decorate(state: EditorState, threads: readonly HighlightTarget[], active: string | null): DecorationSet {
  const decorations: Decoration[] = [];
  for (const thread of threads) {
    if (thread.status !== 'open' || thread.anchor === null) continue;
    const range = resolveAnchor(state, thread.anchor);
    if (!range || range.from === range.to) continue;
    const className = thread.id === active ? 'comment-highlight comment-highlight-active' : 'comment-highlight';
    decorations.push(
      Decoration.inline(
        range.from,
        range.to,
        { class: className, 'data-thread-id': thread.id },
        { threadId: thread.id },
      ),
    );
  }
  return DecorationSet.create(state.doc, decorations);
}

/** Whether the y-prosemirror binding redrew the document from the shared one (its positions are then current). */
function fromSharedDoc(tr: Transaction): boolean {
  const meta = tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined;
  return meta?.isChangeOrigin === true;
}

/**
 * Draws each open thread's text highlighted. Anchors are Yjs relative positions, so they are
 * resolved afresh whenever the shared document changed; a local keystroke only maps the
 * existing highlights (the binding writes it to the shared document after this runs).
 */
export function commentHighlights(onClickThread: (threadId: string) => void): Plugin<HighlightState> {
  return new Plugin<HighlightState>({
    key: commentHighlightKey,
    state: {
      init: () => ({ threads: [], active: null, decorations: DecorationSet.empty }),
      apply(tr, value, _old, state) {
        const meta = tr.getMeta(commentHighlightKey) as HighlightMeta | undefined;
        if (meta || fromSharedDoc(tr)) {
          const threads = meta?.threads ?? value.threads;
          const active = meta && 'active' in meta ? (meta.active ?? null) : value.active;
          return { threads, active, decorations: decorate(state, threads, active) };
        }
        return tr.docChanged ? { ...value, decorations: value.decorations.map(tr.mapping, tr.doc) } : value;
      },
    },
    props: {
      decorations: (state) => commentHighlightKey.getState(state)?.decorations ?? null,
      handleClick(view, pos) {
        const found = commentHighlightKey.getState(view.state)?.decorations.find(pos, pos) ?? [];
        const hit = found.find((d) => d.from < pos || d.to > pos) ?? found[0];
        const id = (hit?.spec as { threadId?: string } | undefined)?.threadId;
        if (id) onClickThread(id);
        // The caret still goes where the person clicked.
        return false;
      },
    },
  });
}

/** A transaction that tells the highlights what changed. */
export function setHighlights(state: EditorState, meta: HighlightMeta): Transaction {
  return state.tr.setMeta(commentHighlightKey, meta).setMeta('addToHistory', false);
}
