import { describe, expect, it } from 'vitest';
import { toBytes } from './events.js';

describe('toBytes normalises binary payloads as Socket.IO delivers them', () => {
  it('passes a Uint8Array through', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    expect(toBytes(bytes)).toBe(bytes);
  });

  it('accepts a Node Buffer (what Socket.IO hands a Node peer)', () => {
    const bytes = toBytes(Buffer.from([1, 2]));
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect([...bytes!]).toEqual([1, 2]);
  });

  it('wraps an ArrayBuffer (what Socket.IO hands a browser)', () => {
    expect(toBytes(new Uint8Array([4, 5]).buffer)).toEqual(new Uint8Array([4, 5]));
  });

  it('keeps to the window of a view on a larger buffer', () => {
    const pool = new Uint8Array([0, 1, 2, 3, 4, 5]);
    const bytes = toBytes(new DataView(pool.buffer, 2, 3));
    expect(bytes).toEqual(new Uint8Array([2, 3, 4]));
  });

  it.each([
    ['a string', 'bytes'],
    ['a number', 42],
    ['an array of numbers', [1, 2, 3]],
    ['a plain object', { 0: 1, length: 1 }],
    ['null', null],
    ['undefined', undefined],
  ])('refuses %s', (_, payload) => {
    expect(toBytes(payload)).toBeNull();
  });
});
