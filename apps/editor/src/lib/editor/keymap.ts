import { baseKeymap } from 'prosemirror-commands';
import { keymap } from 'prosemirror-keymap';
import type { Command, Plugin } from 'prosemirror-state';
import { DOCUMENT_END_KEYS } from './documentEnds.js';
import { EDITOR_ACTIONS, type PageAction } from './shortcuts.js';

/** What the page does for its actions while the editor has focus; an action left out falls through to the page. */
export type PageActionHandlers = Partial<Record<PageAction, () => void>>;

/**
 * The editor's key bindings, built from {@link EDITOR_ACTIONS}. Throws a RangeError when two
 * actions claim the same key: the table would then promise something the keymap does not do.
 */
export function keyBindings(page: PageActionHandlers = {}): Record<string, Command> {
  const bindings: Record<string, Command> = {};
  for (const action of EDITOR_ACTIONS) {
    const { run } = action;
    const command: Command =
      typeof run === 'function'
        ? run
        : () => {
            const handler = page[run];
            handler?.();
            return handler !== undefined;
          };
    for (const key of action.keys) {
      if (key in bindings) throw new RangeError(`Key ${key} is bound twice (again by "${action.id}")`);
      bindings[key] = command;
    }
  }
  return bindings;
}

/** Tandem's keyboard shortcuts, then ProseMirror's basic editing keys. */
export function tandemKeymap(page: PageActionHandlers = {}): Plugin[] {
  return [keymap(keyBindings(page)), keymap(DOCUMENT_END_KEYS), keymap(baseKeymap)];
}
