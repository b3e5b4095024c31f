import { describe, expect, it } from 'vitest';
import { schema } from '@tandem/crdt-bridge';
import { cleanAuthor, suggestionAttrs } from './suggestionAuthor.js';

describe('the author suggestion marks carry', () => {
  it('keeps a valid person as they are', () => {
    expect(cleanAuthor({ id: 'ana', name: 'Ana', color: '#1971c2' }, 'browser1')).toEqual({
      id: 'ana',
      name: 'Ana',
      color: '#1971c2',
    });
  });

  it('makes any name, colour and id into ones the marks accept', () => {
    const author = cleanAuthor({ id: 'a b+c', name: `  ${'x'.repeat(80)}  `, color: 'red' }, 'browser1');
    expect(author.id).toBe('browser1');
    expect(author.color).toBe('#6b6b70');
    expect(() => schema.marks.insertion!.create(suggestionAttrs(author, 's1'))).not.toThrow();
    expect(author.name.length).toBeLessThanOrEqual(60);
  });

  it('falls back to the browser id in open mode', () => {
    expect(cleanAuthor({ id: null, name: 'Ana', color: '#1971c2' }, 'browser1').id).toBe('browser1');
  });
});
