import { Plugin, PluginKey } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';
import { ySyncPluginKey } from 'y-prosemirror';

/** Whether the transaction last applied came from someone else (through y-prosemirror). */
const remoteKey = new PluginKey<boolean>('remote-scroll');

/** Whether the caret's line is inside the window's height. */
function caretInView(view: EditorView): boolean {
  const { head } = view.state.selection;
  const coords = view.coordsAtPos(head);
  return coords.bottom > 0 && coords.top < window.innerHeight;
}

/**
 * Keeps the caret where the person left it when others edit, without a synchronous layout
 * per remote edit. y-prosemirror asks to scroll to the caret after every remote change
 * (when the caret was in view), and ProseMirror answers at once by measuring the caret,
 * which forces the browser to lay out the just-changed document in the middle of the task:
 * with others typing, one forced layout per keystroke of theirs. Here the scroll waits until
 * the frame has been drawn (layout is then already done and measuring is cheap), and happens
 * only if the caret did leave the view: the browser's scroll anchoring usually keeps it put.
 */
export function remoteScroll(): Plugin<boolean> {
  let pending = false;
  const check = (view: EditorView) => {
    pending = false;
    if (view.isDestroyed || !view.hasFocus() || caretInView(view)) return;
    view.dispatch(view.state.tr.scrollIntoView());
  };
  return new Plugin<boolean>({
    key: remoteKey,
    state: {
      init: () => false,
      apply: (tr) => (tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined)?.isChangeOrigin === true,
    },
    props: {
      handleScrollToSelection(view) {
        if (!remoteKey.getState(view.state)) return false;
        if (!pending) {
          pending = true;
          // After the frame is drawn: a task queued from the frame's callback runs after paint.
          requestAnimationFrame(() => setTimeout(() => check(view), 0));
        }
        return true;
      },
    },
  });
}
