import { EditorState, TextSelection, type Transaction } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { schema } from '@tandem/crdt-bridge';
import { FENCE_TYPED, enterCodeFence } from './codeFence.js';

const { nodes } = schema;

/** A document of one paragraph holding `text`, with the caret at `caret` (its end by default). */
function stateOf(text: string, caret = text.length): EditorState {
  const doc = nodes.doc!.create(null, [nodes.paragraph!.create(null, text ? schema.text(text) : null)]);
  const state = EditorState.create({ schema, doc });
  return state.apply(state.tr.setSelection(TextSelection.create(doc, 1 + caret)));
}

/** The state after Enter, or null when the fence command left Enter to the others. */
function pressEnter(state: EditorState): EditorState | null {
  let result: Transaction | null = null;
  const handled = enterCodeFence(state, (tr) => (result = tr));
  expect(handled).toBe(result !== null);
  return result ? state.apply(result) : null;
}

describe('code fences', () => {
  it('turns ``` and Enter into an empty code block with no language', () => {
    const after = pressEnter(stateOf('```'))!;
    const block = after.doc.firstChild!;
    expect(block.type.name).toBe('code_block');
    expect(block.attrs.language).toBeNull();
    expect(block.textContent).toBe('');
    expect(after.selection.$from.parent).toBe(block);
  });

  it('keeps the language named after the fence, in lower case', () => {
    expect(pressEnter(stateOf('```Python'))!.doc.firstChild!.attrs.language).toBe('python');
    expect(pressEnter(stateOf('```c++'))!.doc.firstChild!.attrs.language).toBe('c++');
  });

  it('leaves Enter alone elsewhere: other text, a caret before the end, a name no language has', () => {
    expect(pressEnter(stateOf('``` js'))).toBeNull();
    expect(pressEnter(stateOf('say ```'))).toBeNull();
    expect(pressEnter(stateOf('```js', 2))).toBeNull();
    expect(pressEnter(stateOf(`\`\`\`${'x'.repeat(31)}`))).toBeNull();
  });

  it('waits for the space after the fence, so a language can be typed first', () => {
    const match = FENCE_TYPED;
    expect(match.test('```')).toBe(false);
    expect(match.test('```js')).toBe(false);
    expect(match.exec('```TypeScript ')?.[1]).toBe('TypeScript');
    expect(match.test('``` ')).toBe(true);
  });
});
