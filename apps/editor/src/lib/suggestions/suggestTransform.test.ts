import type { Node } from 'prosemirror-model';
import { EditorState, Plugin, TextSelection } from 'prosemirror-state';
import { ySyncPluginKey } from 'y-prosemirror';
import { describe, expect, it } from 'vitest';
import { schema } from '@tandem/crdt-bridge';
import { suggestPlugin } from './suggestPlugin.js';
import { BLOCKED, type BlockedReason } from './suggestTransform.js';
import { ED, SUE, described, stateOf } from './testDocs.js';
import type { SuggestionAuthor } from './suggestionAuthor.js';

/** A state in Suggesting mode for `who`, with ids s1, s2… and the reasons of turned-back changes. */
function suggesting(content: string[] | Node, who: SuggestionAuthor = SUE) {
  let next = 0;
  const blocked: BlockedReason[] = [];
  let on = true;
  const plugin = suggestPlugin({
    isSuggesting: () => on,
    author: () => who,
    newId: () => `s${++next}`,
    onBlocked: (reason) => blocked.push(reason),
  });
  const state = Array.isArray(content)
    ? stateOf(content, [plugin])
    : EditorState.create({ doc: content, plugins: [plugin] });
  return { state, blocked, setSuggesting: (value: boolean) => (on = value) };
}

/** Types `text` at the caret, as ProseMirror's text input does. */
function type(state: EditorState, text: string): EditorState {
  return state.apply(state.tr.insertText(text));
}

function caretAt(state: EditorState, pos: number): EditorState {
  return state.apply(state.tr.setSelection(TextSelection.create(state.doc, pos)));
}

/** Backspace with an empty selection: removes the character before the caret. */
function backspace(state: EditorState): EditorState {
  const { head } = state.selection;
  return state.apply(state.tr.delete(head - 1, head));
}

/** Delete with an empty selection: removes the character after the caret. */
function forwardDelete(state: EditorState): EditorState {
  const { head } = state.selection;
  return state.apply(state.tr.delete(head, head + 1));
}

describe('typing in Suggesting mode', () => {
  it('marks typed text as the author’s insertion, one suggestion for one run', () => {
    let { state } = suggesting(['Hello world']);
    state = caretAt(state, 6);
    state = type(state, ',');
    state = type(state, ' dear');
    expect(described(state.doc)).toBe('Hello[+, dear sue:s1] world');
    expect(state.selection.head).toBe(12);
  });

  it('starts a new suggestion away from the run, and does not extend someone else’s', () => {
    let { state } = suggesting(['Hello world']);
    state = caretAt(state, 6);
    state = type(state, '!');
    state = caretAt(state, 13);
    state = type(state, '?');
    expect(described(state.doc)).toBe('Hello[+! sue:s1] world[+? sue:s2]');
    // Ed types right after Sue's insertion: his text is his own suggestion.
    let ed = suggesting(state.doc, ED).state;
    ed = caretAt(ed, 7);
    ed = type(ed, 'o');
    expect(described(ed.doc)).toBe('Hello[+! sue:s1][+o ed:s1] world[+? sue:s2]');
  });

  it('strips other suggestions’ marks from pasted text', () => {
    let { state } = suggesting(['ab']);
    const foreign = schema.text('xy', [
      schema.marks.deletion!.create({ id: 'z', author: 'ed', name: 'Ed', color: '#1971c2' }),
    ]);
    state = state.apply(state.tr.replaceWith(2, 2, foreign));
    expect(described(state.doc)).toBe('a[+xy sue:s1]b');
  });
});

describe('deleting in Suggesting mode', () => {
  it('strikes text through instead of removing it; Backspace moves the caret back over it', () => {
    let { state } = suggesting(['Hello world']);
    state = caretAt(state, 12);
    state = backspace(state);
    expect(described(state.doc)).toBe('Hello worl[-d sue:s1]');
    expect(state.selection.head).toBe(11);
    state = backspace(state);
    expect(described(state.doc)).toBe('Hello wor[-ld sue:s1]');
    expect(state.selection.head).toBe(10);
  });

  it('moves forward over what Delete strikes, extending the same suggestion', () => {
    let { state } = suggesting(['Hello world']);
    state = caretAt(state, 1);
    state = forwardDelete(state);
    state = forwardDelete(state);
    expect(described(state.doc)).toBe('[-He sue:s1]llo world');
    expect(state.selection.head).toBe(3);
  });

  it('steps over text already struck through without changing whose deletion it is', () => {
    let { state } = suggesting(['abc']);
    state = caretAt(state, 3);
    state = backspace(state);
    let ed = suggesting(state.doc, ED).state;
    ed = caretAt(ed, 3);
    ed = backspace(ed);
    expect(described(ed.doc)).toBe('a[-b sue:s1]c');
    expect(ed.selection.head).toBe(2);
  });

  it('really removes the author’s own suggested insertion', () => {
    let { state } = suggesting(['Hello']);
    state = caretAt(state, 6);
    state = type(state, ' there');
    state = backspace(state);
    state = backspace(state);
    expect(described(state.doc)).toBe('Hello[+ the sue:s1]');
    // A selection over own inserted and original text: the first goes, the second is struck.
    state = state.apply(state.tr.delete(4, 8));
    expect(described(state.doc)).toBe('Hel[-lo sue:s2][+he sue:s1]');
  });

  it('keeps text deleted across paragraphs, struck through, and the paragraphs as they were', () => {
    let { state } = suggesting(['one', 'two']);
    state = state.apply(state.tr.delete(3, 7));
    expect(described(state.doc)).toBe('on[-e sue:s1] | [-t sue:s1]wo');
  });
});

describe('replacing a selection in Suggesting mode', () => {
  it('strikes the old text and inserts the new after it, as one suggestion', () => {
    let { state } = suggesting(['Hello world']);
    state = state.apply(state.tr.setSelection(TextSelection.create(state.doc, 7, 12)));
    state = type(state, 'there');
    expect(described(state.doc)).toBe('Hello [-world sue:s1][+there sue:s1]');
    expect(state.selection.head).toBe(17);
    state = type(state, '!');
    expect(described(state.doc)).toBe('Hello [-world sue:s1][+there! sue:s1]');
  });
});

describe('several changes in one transaction (replace all)', () => {
  it('suggests each where it was made', () => {
    let { state } = suggesting(['a cat and a cat']);
    const tr = state.tr;
    // As "Replace all" does: the later match first, then the earlier one.
    tr.insertText('dog', 13, 16);
    tr.insertText('dog', 3, 6);
    state = state.apply(tr);
    expect(described(state.doc)).toBe('a [-cat sue:s2][+dog sue:s2] and a [-cat sue:s1][+dog sue:s1]');
  });

  it('keeps them apart when made first to last', () => {
    let { state } = suggesting(['a cat and a cat']);
    const tr = state.tr;
    tr.insertText('dog', 3, 6);
    tr.insertText('dog', 13, 16);
    state = state.apply(tr);
    expect(described(state.doc)).toBe('a [-cat sue:s1][+dog sue:s1] and a [-cat sue:s2][+dog sue:s2]');
  });
});

describe('changes that cannot be suggested', () => {
  it('turns formatting back and says why', () => {
    const s = suggesting(['Hello']);
    const state = s.state.apply(s.state.tr.addMark(1, 3, schema.marks.bold!.create()));
    expect(state.doc.eq(s.state.doc)).toBe(true);
    expect(s.blocked).toEqual([BLOCKED.formatting]);
  });

  it('turns back splitting and joining paragraphs', () => {
    const s = suggesting(['Hello', 'world']);
    let state = s.state.apply(s.state.tr.split(3));
    expect(state.doc.eq(s.state.doc)).toBe(true);
    state = state.apply(state.tr.delete(6, 8));
    expect(state.doc.eq(s.state.doc)).toBe(true);
    expect(s.blocked).toEqual([BLOCKED.structure, BLOCKED.structure]);
  });

  it('turns back deleting a divider, which holds no text to strike', () => {
    const doc = schema.node('doc', null, [
      schema.node('paragraph', null, [schema.text('a')]),
      schema.node('horizontal_rule'),
      schema.node('paragraph', null, [schema.text('b')]),
    ]);
    const s = suggesting(doc);
    const state = s.state.apply(s.state.tr.delete(3, 4));
    expect(state.doc.eq(doc)).toBe(true);
    expect(s.blocked).toEqual([BLOCKED.structure]);
  });
});

describe('a change the transform cannot handle', () => {
  it('is taken back whole, with a sentence saying so, rather than sent as an edit', () => {
    const blocked: BlockedReason[] = [];
    const plugin = suggestPlugin({
      isSuggesting: () => true,
      author: () => {
        throw new Error('no author');
      },
      onBlocked: (reason) => blocked.push(reason),
    });
    const state = stateOf(['Hello'], [plugin]);
    const next = type(caretAt(state, 6), '!');
    expect(described(next.doc)).toBe('Hello');
    expect(next.selection.head).toBe(6);
    expect(blocked).toEqual([BLOCKED.unexpected]);
  });
});

describe('what the suggest plugin leaves alone', () => {
  it('changes nothing in Editing mode', () => {
    const s = suggesting(['Hello']);
    s.setSuggesting(false);
    const state = type(caretAt(s.state, 6), '!');
    expect(described(state.doc)).toBe('Hello!');
  });

  it('leaves alone what another plugin appends in reaction to a collaborator’s change', () => {
    let next = 0;
    const fixer = new Plugin({
      appendTransaction: (trs, _old, state) =>
        trs.some((tr) => tr.getMeta(ySyncPluginKey) !== undefined) ? state.tr.insertText('!', 1) : null,
    });
    const plugin = suggestPlugin({ isSuggesting: () => true, author: () => SUE, newId: () => `s${++next}` });
    const state = stateOf(['Hello'], [plugin, fixer]);
    const remote = state.tr.insertText('?', 6).setMeta(ySyncPluginKey, { isChangeOrigin: true });
    expect(described(state.apply(remote).doc)).toBe('!Hello?');
  });

  it('never touches a collaborator’s change arriving through y-prosemirror', () => {
    const { state } = suggesting(['Hello']);
    const remote = state.tr.insertText('!', 6).setMeta(ySyncPluginKey, { isChangeOrigin: true });
    expect(described(state.apply(remote).doc)).toBe('Hello!');
  });
});
