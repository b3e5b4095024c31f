import { Plugin, PluginKey, type EditorState, type Transaction } from 'prosemirror-state';
import { Decoration, DecorationSet } from 'prosemirror-view';
import { ySyncPluginKey } from 'y-prosemirror';
import type { CommentAnchor, ThreadStatus } from '@tandem/crdt-bridge';
import { changedRange, changedRangeMapping } from '../editor/changedRange.js';
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
  /** Open anchored threads that have no highlight now (their text gone or not yet here). */
  unplaced: number;
}

/** A change to what is highlighted, sent as transaction meta. */
export interface HighlightMeta {
  threads?: readonly HighlightTarget[];
  active?: string | null;
}

/** The highlight plugin's key: dispatch meta through {@link setHighlights}. */
export const commentHighlightKey = new PluginKey<HighlightState>('commentHighlights');

function decorate(
  state: EditorState,
  threads: readonly HighlightTarget[],
  active: string | null,
): Pick<HighlightState, 'decorations' | 'unplaced'> {
  const decorations: Decoration[] = [];
  let unplaced = 0;
  for (const thread of threads) {
    if (thread.status !== 'open' || thread.anchor === null) continue;
    const range = resolveAnchor(state, thread.anchor);
    if (!range || range.from === range.to) {
      unplaced++;
      continue;
    }
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
  return { decorations: DecorationSet.create(state.doc, decorations), unplaced };
}

/**
 * The highlights after a collaborator's change, moved rather than resolved again when the change
 * lies clear of every highlight (resolving each anchor walks the shared document from its start:
 * in a long document with many threads, milliseconds per keystroke of each other person). A
 * change touching a highlight, or any thread without one (its text may just have arrived), is
 * resolved afresh.
 */
function afterRemoteChange(
  tr: Transaction,
  value: HighlightState,
  old: EditorState,
  state: EditorState,
): HighlightState {
  const range = changedRange(tr.before, tr.doc);
  if (range === null) return value;
  const touched = value.decorations.find(range.from, range.toBefore).length > 0;
  if (value.unplaced > 0 || touched) return { ...value, ...decorate(state, value.threads, value.active) };
  return { ...value, decorations: value.decorations.map(changedRangeMapping(old, tr.doc, range), tr.doc) };
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
      init: () => ({ threads: [], active: null, decorations: DecorationSet.empty, unplaced: 0 }),
      apply(tr, value, old, state) {
        const meta = tr.getMeta(commentHighlightKey) as HighlightMeta | undefined;
        if (meta) {
          const threads = meta.threads ?? value.threads;
          const active = 'active' in meta ? (meta.active ?? null) : value.active;
          return { threads, active, ...decorate(state, threads, active) };
        }
        if (fromSharedDoc(tr)) return afterRemoteChange(tr, value, old, state);
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
