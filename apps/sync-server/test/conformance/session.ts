/**
 * Replays the spec's byte-by-byte session against a server over a bare WebSocket:
 * the client's frames are sent exactly as written, and every frame the server sends
 * must be the next one the spec shows.
 */
import msgpackParser from 'socket.io-msgpack-parser';
import { WebSocket, type RawData } from 'ws';
import { expect } from 'vitest';
import type { Frame } from './spec.js';

/** A frame as received: text, or the bytes of a binary frame. */
type Received = { text: string } | { bytes: Buffer };

function bytesOf(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

/** The spec's `<sid>` placeholders as a pattern; everything else literal. */
function textPattern(template: string): RegExp {
  const literal = template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${literal.replaceAll('<sid>', '[A-Za-z0-9_-]+')}$`);
}

/** The spec's decoded packet with `"<text>"` standing for any sentence. */
function packetMatcher(template: unknown): unknown {
  if (template === '<text>') return expect.stringMatching(/\S/);
  if (Array.isArray(template)) return template.map(packetMatcher);
  if (typeof template === 'object' && template !== null)
    return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, packetMatcher(value)]));
  return template;
}

function decodePacket(bytes: Buffer): unknown {
  const decoder = new msgpackParser.Decoder();
  let packet: unknown;
  decoder.on('decoded', (decoded: unknown) => (packet = decoded));
  decoder.add(bytes);
  return packet;
}

function hex(bytes: Buffer): string[] {
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0'));
}

/** Plays `frames` against the server on `port`; fails on the first frame that differs. */
export async function replaySession(port: number, frames: readonly Frame[], timeoutMs = 5_000): Promise<void> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
  const inbox: Received[] = [];
  let wake: (() => void) | null = null;
  let closed = false;
  ws.on('message', (data, isBinary) => {
    if (!isBinary && data.toString() === '2') {
      // The heartbeat may come at any time; the spec says to answer it.
      ws.send('3');
      return;
    }
    inbox.push(isBinary ? { bytes: bytesOf(data) } : { text: data.toString() });
    wake?.();
  });
  ws.on('close', () => {
    closed = true;
    wake?.();
  });
  const next = async (line: number): Promise<Received> => {
    const deadline = Date.now() + timeoutMs;
    while (inbox.length === 0) {
      if (closed) throw new Error(`PROTOCOL.md line ${line}: the server closed the connection instead`);
      if (Date.now() > deadline) throw new Error(`PROTOCOL.md line ${line}: no frame from the server`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 50);
      });
      wake = null;
    }
    return inbox.shift()!;
  };
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    for (const frame of frames) {
      const where = `PROTOCOL.md line ${frame.line}`;
      if (frame.from === 'client') {
        if (frame.kind === 'text') ws.send(frame.text);
        else ws.send(Buffer.from(frame.bytes.map((byte) => Number.parseInt(byte, 16))));
        continue;
      }
      const received = await next(frame.line);
      if (frame.kind === 'text') {
        expect('text' in received ? received.text : '(a binary frame)', where).toMatch(textPattern(frame.text));
        continue;
      }
      if (!('bytes' in received)) throw new Error(`${where}: expected a binary frame, got "${received.text}"`);
      if (frame.kind === 'packet') {
        expect(decodePacket(received.bytes), where).toStrictEqual(packetMatcher(frame.packet));
      } else {
        const actual = hex(received.bytes);
        const differs = frame.bytes.findIndex((byte, i) => byte !== '..' && byte !== actual[i]);
        if (differs >= 0 || actual.length !== frame.bytes.length)
          throw new Error(
            `${where}: the server's frame differs` +
              (differs >= 0 ? ` at byte ${differs} (${actual[differs] ?? 'none'} for ${frame.bytes[differs]})` : '') +
              `; it sent ${actual.length} bytes: ${actual.join(' ')}`,
          );
      }
    }
  } finally {
    ws.close();
  }
}
