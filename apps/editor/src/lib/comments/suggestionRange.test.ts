import { EditorState } from 'prosemirror-state';
import { describe, expect, it } from 'vitest';
import { schema } from '@tandem/crdt-bridge';
import { suggestionRange } from './anchors.js';

const by = { author: 'ana', name: 'Ana', color: '#1971c2' };

describe('suggestionRange', () => {
  it('spans every piece of text marked with the suggestion, across paragraphs, and nothing else', () => {
    const ins = schema.marks.insertion!.create({ id: 's1', ...by });
    const del = schema.marks.deletion!.create({ id: 's1', ...by });
    const other = schema.marks.insertion!.create({ id: 's2', ...by });
    const doc = schema.node('doc', null, [
      schema.node('paragraph', null, [schema.text('Keep '), schema.text('added', [ins]), schema.text(' rest')]),
      schema.node('paragraph', null, [schema.text('gone', [del]), schema.text(' other', [other])]),
    ]);
    const state = EditorState.create({ schema, doc });
    const range = suggestionRange(state, 's1')!;
    expect(state.doc.textBetween(range.from, range.to, '|')).toBe('added rest|gone');
    const s2 = suggestionRange(state, 's2')!;
    expect(state.doc.textBetween(s2.from, s2.to)).toBe(' other');
    expect(suggestionRange(state, 'missing')).toBeNull();
  });
});
