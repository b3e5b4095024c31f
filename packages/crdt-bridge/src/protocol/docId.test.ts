import { describe, expect, it } from 'vitest';
import { MAX_DOC_ID_LENGTH, isValidDocId, newDocId } from './docId.js';

describe('isValidDocId', () => {
  it.each(['a', 'Z', '0', '-', '_', 'doc-1_A', 'a'.repeat(MAX_DOC_ID_LENGTH)])('accepts %j', (id) => {
    expect(isValidDocId(id)).toBe(true);
  });

  it.each([
    ['the empty string', ''],
    ['one character too many', 'a'.repeat(MAX_DOC_ID_LENGTH + 1)],
    ['a space', 'a b'],
    ['a slash', 'a/b'],
    ['a path climbing up', '../etc'],
    ['a dot', 'a.b'],
    ['a trailing newline', 'abc\n'],
    ['a leading newline', '\nabc'],
    ['a NUL byte', 'a\u0000'],
    ['a non-ASCII letter', 'café'],
    ['a lookalike digit (fullwidth 1)', 'doc\uFF11'],
    ['an emoji', 'doc🙂'],
    ['a percent-encoded slash', 'a%2Fb'],
  ])('refuses %s', (_, id) => {
    expect(isValidDocId(id)).toBe(false);
  });

  it.each([
    ['a number', 123],
    ['null', null],
    ['undefined', undefined],
    ['an object', { id: 'abc' }],
    ['an array holding a valid id', ['abc']],
    ['a String object', Object('abc')],
    ['bytes', new Uint8Array([97])],
  ])('refuses %s, which is not a string', (_, id) => {
    expect(isValidDocId(id)).toBe(false);
  });

  it('caps ids at 64 characters', () => {
    expect(MAX_DOC_ID_LENGTH).toBe(64);
  });
});

describe('newDocId', () => {
  it('makes valid 12-character ids from an unambiguous alphabet', () => {
    for (let i = 0; i < 200; i++) {
      const id = newDocId();
      expect(isValidDocId(id)).toBe(true);
      expect(id).toMatch(/^[a-km-np-z2-9]{12}$/);
    }
  });

  it('does not repeat itself', () => {
    const ids = new Set(Array.from({ length: 2_000 }, () => newDocId()));
    expect(ids.size).toBe(2_000);
  });
});
