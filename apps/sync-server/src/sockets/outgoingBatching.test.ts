import { describe, expect, it } from 'vitest';
import { binaryFrame } from './outgoingBatching.js';

/** Reads a frame header back as RFC 6455 §5.2 defines it. */
function parseHeader(header: Buffer): { fin: boolean; opcode: number; masked: boolean; length: number } {
  const fin = (header[0]! & 0x80) !== 0;
  const opcode = header[0]! & 0x0f;
  const masked = (header[1]! & 0x80) !== 0;
  const short = header[1]! & 0x7f;
  const length = short === 126 ? header.readUInt16BE(2) : short === 127 ? Number(header.readBigUInt64BE(2)) : short;
  return { fin, opcode, masked, length };
}

describe('binaryFrame', () => {
  it.each([0, 1, 125, 126, 127, 65_535, 65_536, 200_000])('frames %i bytes as one final binary frame', (size) => {
    const payload = Buffer.alloc(size, 7);
    const [header, body] = binaryFrame(payload);
    expect(body).toBe(payload);
    expect(header!.length).toBe(size < 126 ? 2 : size < 65_536 ? 4 : 10);
    expect(parseHeader(header!)).toEqual({ fin: true, opcode: 2, masked: false, length: size });
  });
});
