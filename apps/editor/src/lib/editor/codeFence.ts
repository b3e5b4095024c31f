import { type InputRule, textblockTypeInputRule } from 'prosemirror-inputrules';
import { keymap } from 'prosemirror-keymap';
import { TextSelection, type Command, type Plugin } from 'prosemirror-state';
import { schema } from '@tandem/crdt-bridge';

const { nodes } = schema;

/** A fence and its optional language, as Markdown writes them: ```` ``` ```` or ```` ```python ````. */
const FENCE = /^```([a-z0-9][a-z0-9+#._-]{0,29})?$/i;

/** The language attribute for a fence's name: lower case as the schema keeps it, or none. */
function languageOf(name: string | undefined): string | null {
  return name ? name.toLowerCase() : null;
}

/** A fence and its optional language followed by the space typed after them. */
export const FENCE_TYPED = new RegExp(`${FENCE.source.slice(0, -1)}\\s$`, 'i');

/**
 * ```` ```python ```` followed by a space becomes a code block in that language. The fence
 * waits for the space (or Enter, below) so that the language can be typed after it.
 */
export function codeFenceRule(): InputRule {
  return textblockTypeInputRule(FENCE_TYPED, nodes.code_block!, (match) => ({ language: languageOf(match[1]) }));
}

/** Enter at the end of a paragraph that holds only a fence turns it into an empty code block. */
export const enterCodeFence: Command = (state, dispatch) => {
  const { $from, empty } = state.selection;
  const block = $from.parent;
  if (!empty || block.type !== nodes.paragraph || $from.parentOffset !== block.content.size) return false;
  const match = FENCE.exec(block.textContent);
  if (!match) return false;
  if (dispatch) {
    const start = $from.start();
    const tr = state.tr.delete(start, $from.end());
    tr.setBlockType(start, start, nodes.code_block!, { language: languageOf(match[1]) });
    dispatch(tr.setSelection(TextSelection.create(tr.doc, start)).scrollIntoView());
  }
  return true;
};

/** The Enter key for fences; goes before the other keymaps. */
export function codeFenceKeys(): Plugin {
  return keymap({ Enter: enterCodeFence });
}
