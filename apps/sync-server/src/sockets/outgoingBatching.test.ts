import { describe, expect, it } from 'vitest';
import { EndOfTurn } from './endOfTurn.js';
import { batchConnectionWrites, binaryFrame, sendFrameDirectly } from './outgoingBatching.js';

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

/** An Engine.IO connection on a websocket transport, as far as direct frames look at it, recording what happens. */
function fakeConnection() {
  const events: string[] = [];
  const raw = {
    writableLength: 0,
    destroyed: false,
    cork: () => void events.push('cork'),
    uncork: () => void events.push('uncork'),
  };
  const transport = {
    name: 'websocket',
    writable: true,
    send: () => void events.push('engine send'),
    socket: {
      readyState: 1,
      _socket: raw,
      _sender: { sendFrame: (frame: Buffer[]) => void events.push(`frame ${frame[1]![0]}`) },
    },
  };
  const conn = {
    readyState: 'open',
    upgrading: false,
    writeBuffer: [] as unknown[],
    transport,
    flush: () => void events.push('engine flush'),
    on: () => undefined,
  };
  return { conn, raw, transport, events };
}

const endOfTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('sendFrameDirectly', () => {
  it("writes a frame at once when nothing of the connection waits, the turn's frames corked together", async () => {
    const { conn, events } = fakeConnection();
    batchConnectionWrites(conn, new EndOfTurn());
    expect(sendFrameDirectly(conn, binaryFrame(Buffer.from([1])))).toBe(true);
    expect(sendFrameDirectly(conn, binaryFrame(Buffer.from([2])))).toBe(true);
    expect(events).toEqual(['cork', 'frame 1', 'frame 2']);
    await endOfTurn();
    expect(events).toEqual(['cork', 'frame 1', 'frame 2', 'uncork']);
  });

  it('leaves the frame to Engine.IO while its queue holds a packet, so order is kept', () => {
    const { conn, events } = fakeConnection();
    batchConnectionWrites(conn, new EndOfTurn());
    conn.writeBuffer.push({ type: 'message' });
    expect(sendFrameDirectly(conn, binaryFrame(Buffer.from([1])))).toBe(false);
    expect(events).toEqual([]);
  });

  it('leaves the frame to Engine.IO (and its bound) while the kernel has not taken earlier bytes', () => {
    const { conn, raw } = fakeConnection();
    batchConnectionWrites(conn, new EndOfTurn());
    raw.writableLength = 10;
    expect(sendFrameDirectly(conn, binaryFrame(Buffer.from([1])))).toBe(false);
  });

  it('leaves the frame to Engine.IO while its transport is writing, upgrading, or not a WebSocket', () => {
    for (const change of [
      (c: ReturnType<typeof fakeConnection>) => void (c.transport.writable = false),
      (c: ReturnType<typeof fakeConnection>) => void (c.conn.upgrading = true),
      (c: ReturnType<typeof fakeConnection>) => void (c.transport.name = 'polling'),
      (c: ReturnType<typeof fakeConnection>) => void (c.conn.readyState = 'closing'),
    ]) {
      const fake = fakeConnection();
      batchConnectionWrites(fake.conn, new EndOfTurn());
      change(fake);
      expect(sendFrameDirectly(fake.conn, binaryFrame(Buffer.from([1])))).toBe(false);
    }
  });

  it('is not used on a connection that does not batch its writes', () => {
    const { conn } = fakeConnection();
    expect(sendFrameDirectly(conn, binaryFrame(Buffer.from([1])))).toBe(false);
  });
});
