import { InputRule, inputRules, textblockTypeInputRule, wrappingInputRule } from 'prosemirror-inputrules';
import type { MarkType } from 'prosemirror-model';
import type { Plugin } from 'prosemirror-state';
import { schema } from '@tandem/crdt-bridge';
import { codeFenceRule } from './codeFence.js';
import { replaceWithDivider } from './divider.js';

const { nodes, marks } = schema;

/**
 * A rule that turns `**text**`-style markup into a mark as the closing
 * delimiter is typed. `pattern` captures the text in group 1 and ends with `delimiter`.
 */
function markRule(pattern: RegExp, type: MarkType, delimiter: string): InputRule {
  return new InputRule(pattern, (state, match, _start, end) => {
    const text = match[1];
    if (!text) return null;
    // The last typed character is not in the document yet; everything before it is.
    const markupStart = end - (delimiter.length * 2 - 1 + text.length);
    const tr = state.tr.replaceWith(markupStart, end, schema.text(text, [type.create()]));
    return tr.removeStoredMark(type);
  });
}

/** Markdown-style shortcuts typed at the start of a block, or around a word. */
export function tandemInputRules(): Plugin {
  return inputRules({
    rules: [
      textblockTypeInputRule(/^(#{1,3})\s$/, nodes.heading!, (match) => ({ level: match[1]!.length })),
      wrappingInputRule(/^\s*([-+*])\s$/, nodes.bullet_list!),
      wrappingInputRule(
        /^(\d+)\.\s$/,
        nodes.ordered_list!,
        (match) => ({ order: Number(match[1]) }),
        (match, node) => node.childCount + (node.attrs.order as number) === Number(match[1]),
      ),
      wrappingInputRule(/^\s*\[( |x)?\]\s$/, nodes.task_list!, null),
      wrappingInputRule(/^\s*>\s$/, nodes.blockquote!),
      codeFenceRule(),
      new InputRule(/^---$/, (state, _match, start, end) => {
        const $start = state.doc.resolve(start);
        if ($start.parent.type !== nodes.paragraph) return null;
        return replaceWithDivider(state.tr, $start.before(), $start.after()).scrollIntoView();
      }),
      markRule(/\*\*([^*\s](?:[^*]*[^*\s])?)\*\*$/, marks.bold!, '**'),
      markRule(/(?:^|[^*])\*([^*\s](?:[^*]*[^*\s])?)\*$/, marks.italic!, '*'),
      markRule(/`([^`]+)`$/, marks.code!, '`'),
      markRule(/~~([^~\s](?:[^~]*[^~\s])?)~~$/, marks.strike!, '~~'),
    ],
  });
}
