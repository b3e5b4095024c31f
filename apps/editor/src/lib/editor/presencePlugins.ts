import { Plugin, type EditorState } from 'prosemirror-state';
import type { DecorationSet, EditorView } from 'prosemirror-view';
import type { Awareness } from 'y-protocols/awareness';
import { setMeta, yCursorPluginKey, ySyncPluginKey } from 'y-prosemirror';
import type * as Y from 'yjs';
import { cleanColor, cleanName, labelTextColor } from '@tandem/crdt-bridge';
import { caretDecorations, sendOwnCaret } from './caretPositions.js';

/** How a remote user appears in awareness: unchecked, it comes from the network. */
interface CursorUser {
  name?: unknown;
  color?: unknown;
}

function colorOf(user: CursorUser): string {
  return cleanColor(user.color) ?? '#868e96';
}

/**
 * A remote caret: a coloured bar with the person's name above it. A CSS animation
 * fades the label after a few idle seconds (restarted whenever the person types or
 * moves, see caretLabelsPlugin); the bar stays, and hovering it (or the person's avatar) brings the
 * name back. Names are text nodes, never HTML.
 */
function buildCursor(user: CursorUser, clientId: number): HTMLElement {
  const color = colorOf(user);
  const caret = document.createElement('span');
  caret.className = 'ProseMirror-yjs-cursor';
  caret.dataset.clientId = String(clientId);
  caret.style.borderColor = color;
  const label = document.createElement('span');
  label.className = 'remote-caret-label';
  label.style.backgroundColor = color;
  label.style.color = labelTextColor(color);
  label.textContent = cleanName(user.name) ?? 'Someone';
  caret.append('\u2060', label, '\u2060');
  return caret;
}

function buildSelection(user: CursorUser): { style: string; class: string } {
  return { style: `background-color: ${colorOf(user)}33`, class: 'remote-selection' };
}

/** Whether the last transaction (from `prev` to `state`) left this person's caret where it was in the shared document. */
export function ownCaretUnmoved(state: EditorState, prev: EditorState): boolean {
  if (state.doc === prev.doc && state.selection.eq(prev.selection)) return true;
  // A collaborator's change keeps the caret at the same relative position (y-prosemirror restores
  // it); an undo or redo is this person's own and may move it.
  const sync = ySyncPluginKey.getState(state) as
    { isChangeOrigin?: boolean; isUndoRedoOperation?: boolean } | undefined;
  return sync?.isChangeOrigin === true && sync.isUndoRedoOperation !== true;
}

/**
 * y-prosemirror's cursor plugin (1.3.7: same key, state, decorations and awareness field), with two
 * changes for long documents with others typing: this person's caret is not recomputed for
 * awareness after transactions that cannot have moved it (others' edits, others' caret moves), and
 * every position is found one top-level block at a time (`caretPositions.ts`); theirs walked the
 * shared document from its start, twice per caret, which cost more than anything else in the binding.
 */
function cursorPlugin(awareness: Awareness): Plugin {
  const build = { cursor: buildCursor, selection: buildSelection };
  return new Plugin<DecorationSet>({
    key: yCursorPluginKey,
    state: {
      init: (_, state) => caretDecorations(state, awareness, build),
      apply(tr, previous, _old, state) {
        const sync = ySyncPluginKey.getState(state) as { isChangeOrigin?: boolean } | undefined;
        const carets = tr.getMeta(yCursorPluginKey) as { awarenessUpdated?: boolean } | undefined;
        if (sync?.isChangeOrigin || carets?.awarenessUpdated) return caretDecorations(state, awareness, build);
        return previous.map(tr.mapping, tr.doc);
      },
    },
    props: {
      decorations: (state) => yCursorPluginKey.getState(state) as DecorationSet,
    },
    view(view: EditorView) {
      const redraw = (): void => {
        // As y-prosemirror: not before the view has drawn its document.
        if ((view as unknown as { docView?: unknown }).docView)
          setMeta(view, yCursorPluginKey, { awarenessUpdated: true });
      };
      const send = (): void => sendOwnCaret(view.state, view.hasFocus(), awareness);
      awareness.on('change', redraw);
      view.dom.addEventListener('focusin', send);
      view.dom.addEventListener('focusout', send);
      return {
        update(v: EditorView, prev: EditorState) {
          if (!ownCaretUnmoved(v.state, prev)) send();
        },
        destroy() {
          view.dom.removeEventListener('focusin', send);
          view.dom.removeEventListener('focusout', send);
          awareness.off('change', redraw);
          awareness.setLocalStateField('cursor', null);
        },
      };
    },
  });
}

/**
 * Shows a person's name again each time their presence changes (they type or move). The label
 * fades by a CSS animation that starts when its element is made, and ProseMirror keeps a caret's
 * element while its owner types (the widget's key does not change), so without this the name of
 * someone typing faded after 3 s and stayed hidden for as long as they typed.
 */
function caretLabelsPlugin(awareness: Awareness): Plugin {
  return new Plugin({
    view(view: EditorView) {
      const moved = new Set<number>();
      let frame = 0;
      const restart = (): void => {
        frame = 0;
        for (const clientId of moved) {
          const label = view.dom.querySelector(
            `.ProseMirror-yjs-cursor[data-client-id="${clientId}"] > .remote-caret-label`,
          );
          for (const animation of label?.getAnimations() ?? []) {
            animation.currentTime = 0;
            animation.play();
          }
        }
        moved.clear();
      };
      const touch = (clientId: number): void => {
        if (clientId === awareness.clientID) return;
        moved.add(clientId);
        // After the caret plugin has drawn the change.
        if (frame === 0) frame = requestAnimationFrame(restart);
      };
      // A caret that moves shows in presence; one typing at the end of a line keeps the same
      // relative position, so their new characters (written under their awareness id) count too.
      const onChange = ({ updated }: { updated: number[] }): void => updated.forEach(touch);
      const onTransaction = (transaction: Y.Transaction): void => {
        if (transaction.local) return;
        for (const [clientId, clock] of transaction.afterState)
          if (transaction.beforeState.get(clientId) !== clock) touch(clientId);
      };
      awareness.on('change', onChange);
      awareness.doc.on('afterTransaction', onTransaction);
      return {
        destroy() {
          awareness.off('change', onChange);
          awareness.doc.off('afterTransaction', onTransaction);
          cancelAnimationFrame(frame);
        },
      };
    },
  });
}

/** Remote carets and selections for everyone else in the document. */
export function presencePlugins(awareness: Awareness): Plugin[] {
  return [cursorPlugin(awareness), caretLabelsPlugin(awareness)];
}

/** Scrolls the view so `clientId`'s caret is visible; returns false when they have none on screen. */
export function scrollToCaret(root: ParentNode, clientId: number, behavior: ScrollBehavior = 'smooth'): boolean {
  const caret = root.querySelector<HTMLElement>(`.ProseMirror-yjs-cursor[data-client-id="${clientId}"]`);
  if (!caret) return false;
  const rect = caret.getBoundingClientRect();
  const margin = 96;
  if (rect.top < margin || rect.bottom > window.innerHeight - margin) {
    caret.scrollIntoView({ block: 'center', behavior });
  }
  return true;
}

/**
 * Shows the name labels of `clientIds`' carets under `root` (the label of an idle caret has
 * faded) until the returned function is called. Carets are rebuilt whenever their owner
 * moves, so a new one is marked as it appears.
 */
export function revealCaretLabels(root: HTMLElement, clientIds: readonly number[]): () => void {
  const mark = (): void => {
    for (const caret of root.querySelectorAll<HTMLElement>('.ProseMirror-yjs-cursor')) {
      caret.classList.toggle('reveal', clientIds.includes(Number(caret.dataset.clientId)));
    }
  };
  mark();
  const observer = new MutationObserver(mark);
  observer.observe(root, { childList: true, subtree: true });
  return () => {
    observer.disconnect();
    for (const caret of root.querySelectorAll('.ProseMirror-yjs-cursor.reveal')) caret.classList.remove('reveal');
  };
}
