import type { EditorView } from 'prosemirror-view';

/** The part of ProseMirror's (internal) DOM observer used here. */
interface DomObserver {
  flush(): void;
}

/**
 * Makes ProseMirror read DOM changes it has not processed yet, above all a caret
 * the browser has moved (Ctrl+End, arrows) whose `selectionchange` event has not
 * fired. Call it before applying a collaborator's change: y-prosemirror redraws the
 * document and restores the selection ProseMirror knows, so an unread caret move
 * would be undone and the next keystrokes would land at the old place.
 * `domObserver` is internal to prosemirror-view, hence the guarded cast.
 */
export function readPendingInput(view: EditorView): void {
  const observer = (view as unknown as { domObserver?: Partial<DomObserver> }).domObserver;
  if (typeof observer?.flush === 'function') observer.flush();
}
