import { describe, expect, it } from 'vitest';
import { MAX_NAME_LENGTH, cleanColor, cleanName, parsePresenceUser, readPresence } from './state.js';

describe('a person’s name', () => {
  it('is trimmed, and cut to the one maximum', () => {
    expect(cleanName('  Ana  ')).toBe('Ana');
    expect(cleanName('n'.repeat(MAX_NAME_LENGTH + 20))).toHaveLength(MAX_NAME_LENGTH);
  });

  it('is never cut through the middle of a character', () => {
    expect(cleanName(`${'n'.repeat(MAX_NAME_LENGTH - 1)}👩‍💻`)).toBe('n'.repeat(MAX_NAME_LENGTH - 1));
  });

  it('is missing when blank or not text', () => {
    for (const value of ['', '   ', 42, null, undefined, { name: 'Ana' }]) expect(cleanName(value)).toBeNull();
  });
});

describe('a person’s colour', () => {
  it('is #rrggbb in any case, kept in lower case', () => {
    expect(cleanColor('#1971C2')).toBe('#1971c2');
  });

  it('is refused in any other form', () => {
    for (const value of ['#fff', '1971c2', '#1971c2ff', 'rgb(0,0,0)', 'red', '#19 1c2', 0x1971c2, null]) {
      expect(cleanColor(value), String(value)).toBeNull();
    }
  });
});

describe('presence from another client', () => {
  it('reads the person, caret and typing flag the editor and y-prosemirror write', () => {
    const cursor = { anchor: { type: null, tname: null, item: { client: 1, clock: 2 }, assoc: 0 }, head: { x: 1 } };
    expect(readPresence({ user: { name: ' Ben ', color: '#2B8A3E' }, cursor, typing: true })).toEqual({
      user: { name: 'Ben', color: '#2b8a3e' },
      cursor,
      typing: true,
    });
  });

  it('has no caret while the editor is not focused, and types only when it says true', () => {
    expect(readPresence({ user: { name: 'Ben', color: '#2b8a3e' }, cursor: null, typing: 'yes' })).toEqual({
      user: { name: 'Ben', color: '#2b8a3e' },
      cursor: null,
      typing: false,
    });
    expect(readPresence({ user: { name: 'Ben', color: '#2b8a3e' }, cursor: { anchor: 1 } })?.cursor).toBeNull();
  });

  it('is nobody when it names no usable person', () => {
    for (const state of [
      null,
      'Ben',
      {},
      { user: { name: 'Ben' } },
      { user: { name: '  ', color: '#2b8a3e' } },
      { user: { name: 'Ben', color: 'green' } },
    ]) {
      expect(readPresence(state), JSON.stringify(state)).toBeNull();
    }
    expect(parsePresenceUser({ name: 'Ben', color: '#2b8a3e', extra: 1 })).toEqual({ name: 'Ben', color: '#2b8a3e' });
  });

  it('keeps a well-formed person id, so one person’s tabs can be shown once, and drops any other', () => {
    expect(parsePresenceUser({ name: 'Ben', color: '#2b8a3e', id: 'b_4x-Z9' })).toEqual({
      name: 'Ben',
      color: '#2b8a3e',
      id: 'b_4x-Z9',
    });
    for (const id of ['', 'a b', '<b>', 'x'.repeat(65), 42, null]) {
      expect(parsePresenceUser({ name: 'Ben', color: '#2b8a3e', id }), String(id)).toEqual({
        name: 'Ben',
        color: '#2b8a3e',
      });
    }
  });
});
