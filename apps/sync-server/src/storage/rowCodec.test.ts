import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { RowCodec, decodeRow, encodeRow, encodeRowAsync } from './rowCodec.js';

function stateOf(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

describe('stored row codec', () => {
  it('deflates a compacted state that compresses, and gives back the same bytes', () => {
    const state = stateOf('the same words again and again, '.repeat(200));
    const row = encodeRow(state);
    expect(row.codec).toBe(RowCodec.Deflate);
    expect(row.data.byteLength).toBeLessThan(state.byteLength / 2);
    expect(Buffer.from(decodeRow(row.data, row.codec)).equals(Buffer.from(state))).toBe(true);
  });

  it('keeps a state that would not shrink as it is', () => {
    const state = stateOf('x');
    const row = encodeRow(state);
    expect(row.codec).toBe(RowCodec.Raw);
    expect(row.data).toBe(state);
  });

  it('deflates a large state on the thread pool to the same bytes as at once', async () => {
    const state = stateOf('a compacted document of some size, '.repeat(10_000));
    const row = await encodeRowAsync(state);
    expect(row.codec).toBe(RowCodec.Deflate);
    expect(Buffer.from(row.data).equals(Buffer.from(encodeRow(state).data))).toBe(true);
  });

  it('refuses a codec it does not know rather than handing garbage to Yjs', () => {
    expect(() => decodeRow(new Uint8Array([1, 2, 3]), 7)).toThrow(/unknown codec 7/);
  });
});
