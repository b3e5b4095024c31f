import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createRandom } from '../testing/random.js';
import { SyncMessageType, decodeSyncMessage, encodeStep1, encodeStep2, encodeUpdate } from './messages.js';

function docWith(text: string, clientID = 1): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  doc.getText('t').insert(0, text);
  return doc;
}

/** A sync message built by hand: a type number, then a length-prefixed payload. */
function rawMessage(type: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

describe('sync messages round trip', () => {
  it('decodes step 1 to the state vector it was encoded from', () => {
    const doc = docWith('hello');
    const message = decodeSyncMessage(encodeStep1(doc));
    expect(message.type).toBe('step1');
    if (message.type !== 'step1') return;
    expect(Y.decodeStateVector(message.stateVector)).toEqual(Y.decodeStateVector(Y.encodeStateVector(doc)));
  });

  it('decodes step 2 to exactly what the peer lacks, which brings it level', () => {
    const a = docWith('shared', 1);
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    a.getText('t').insert(6, ' and more');
    const message = decodeSyncMessage(encodeStep2(a, Y.encodeStateVector(b)));
    expect(message.type).toBe('step2');
    if (message.type !== 'step2') return;
    expect(Y.decodeUpdate(message.update).structs).toHaveLength(1);
    Y.applyUpdate(b, message.update);
    expect(b.getText('t').toString()).toBe('shared and more');
  });

  it('encodes step 2 without a state vector as the whole document', () => {
    const a = docWith('everything');
    const message = decodeSyncMessage(encodeStep2(a));
    if (message.type !== 'step2') throw new Error(`expected step2, got ${message.type}`);
    const b = new Y.Doc();
    Y.applyUpdate(b, message.update);
    expect(b.getText('t').toString()).toBe('everything');
  });

  it('decodes an update message to the very update bytes it wraps', () => {
    const update = Y.encodeStateAsUpdate(docWith('x'));
    const message = decodeSyncMessage(encodeUpdate(update));
    expect(message).toEqual({ type: 'update', update });
  });

  it('numbers message types as y-protocols does (0, 1, 2)', () => {
    expect(SyncMessageType).toEqual({ Step1: 0, Step2: 1, Update: 2 });
    expect(encodeUpdate(new Uint8Array([9]))).toEqual(new Uint8Array([2, 1, 9]));
  });

  it('accepts an empty update payload (a peer with nothing to send)', () => {
    expect(decodeSyncMessage(new Uint8Array([SyncMessageType.Update, 0]))).toEqual({
      type: 'update',
      update: new Uint8Array(0),
    });
  });
});

describe('decodeSyncMessage refuses bytes that are not one whole message', () => {
  const valid = encodeUpdate(Y.encodeStateAsUpdate(docWith('some text')));

  it('refuses an empty message', () => {
    expect(() => decodeSyncMessage(new Uint8Array(0))).toThrow();
  });

  it('refuses a message cut short, at every possible length', () => {
    for (let length = 0; length < valid.byteLength; length++) {
      expect(() => decodeSyncMessage(valid.subarray(0, length)), `length ${length}`).toThrow();
    }
  });

  it('refuses a cut-short message even when the bytes after it belong to a larger buffer', () => {
    // Socket.IO may hand over a view on a pooled buffer; the decoder must not read past the view.
    const pool = concat(valid, new Uint8Array(64).fill(7));
    const view = new Uint8Array(pool.buffer, 0, valid.byteLength - 3);
    expect(() => decodeSyncMessage(view)).toThrow();
  });

  it('refuses trailing bytes after the payload', () => {
    expect(() => decodeSyncMessage(concat(valid, new Uint8Array([0])))).toThrow(/trailing/);
  });

  it('refuses unknown message types', () => {
    for (const type of [3, 4, 127, 128, 100_000]) {
      expect(() => decodeSyncMessage(rawMessage(type, new Uint8Array([0]))), `type ${type}`).toThrow(/unknown/);
    }
  });

  it('refuses a type number too large to be an integer', () => {
    expect(() => decodeSyncMessage(new Uint8Array(12).fill(0xff))).toThrow();
  });

  it('refuses a step 1 whose state vector is malformed', () => {
    // Claims five (client, clock) pairs and carries none.
    expect(() => decodeSyncMessage(rawMessage(SyncMessageType.Step1, new Uint8Array([5])))).toThrow();
  });

  it('never returns a payload reaching outside the input, whatever the bytes', () => {
    const random = createRandom(20_240_601);
    let decoded = 0;
    for (let i = 0; i < 2_000; i++) {
      const bytes = new Uint8Array(random.between(0, 12)).map(() => random.int(256));
      // Bias towards real message types and matching length prefixes, so many inputs get past them.
      if (bytes.length > 0 && random.chance(0.7)) bytes[0] = random.int(3);
      if (bytes.length > 1 && random.chance(0.5)) bytes[1] = bytes.length - 2 + random.between(-1, 1);
      let message;
      try {
        message = decodeSyncMessage(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(Error);
        continue;
      }
      decoded++;
      const payload = message.type === 'step1' ? message.stateVector : message.update;
      expect(payload.buffer).toBe(bytes.buffer);
      expect(payload.byteOffset + payload.byteLength).toBe(bytes.byteOffset + bytes.byteLength);
    }
    // The generator is biased so that some inputs do decode; otherwise this test proves nothing.
    expect(decoded).toBeGreaterThan(10);
  });
});
