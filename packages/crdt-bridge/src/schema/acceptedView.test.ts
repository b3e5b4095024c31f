import { describe, expect, it } from 'vitest';
import { withoutSuggestions } from './acceptedView.js';
import { schema } from './schema.js';

const who = { id: 's1', author: 'ana', name: 'Ana', color: '#112233' };
const ins = schema.marks.insertion!.create(who);
const del = schema.marks.deletion!.create(who);
const bold = schema.marks.bold!.create();

describe('withoutSuggestions', () => {
  it('drops suggested insertions, keeps suggested deletions as plain text, and joins what is left', () => {
    const doc = schema.node('doc', null, [
      schema.node('paragraph', null, [
        schema.text('Keep '),
        schema.text('new ', [ins]),
        schema.text('old', [del]),
        schema.text(' end'),
      ]),
      schema.node('bullet_list', null, [
        schema.node('list_item', null, [
          schema.node('paragraph', null, [schema.text('deep', [bold, del]), schema.text(' added', [bold, ins])]),
        ]),
      ]),
    ]);
    const plain = withoutSuggestions(doc);
    expect(plain.child(0).childCount).toBe(1);
    expect(plain.child(0).textContent).toBe('Keep old end');
    const deep = plain.child(1).child(0).child(0);
    expect(deep.textContent).toBe('deep');
    expect(deep.child(0).marks.map((m) => m.type.name)).toEqual(['bold']);
    expect(() => plain.check()).not.toThrow();
  });

  it('returns a document without suggestions as it is', () => {
    const doc = schema.node('doc', null, [schema.node('paragraph', null, [schema.text('Same')])]);
    expect(withoutSuggestions(doc)).toBe(doc);
  });
});
