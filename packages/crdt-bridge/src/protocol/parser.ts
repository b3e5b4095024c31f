import msgpackParser from 'socket.io-msgpack-parser';

const inNode = typeof Buffer !== 'undefined';

/**
 * Binary data in the form notepack.io writes as MessagePack `bin` on this side,
 * which the other side reads back as bytes: a Node Buffer in Node, an exact
 * ArrayBuffer in browsers (whose notepack writes typed arrays as maps of numbers).
 */
function asBin(value: ArrayBuffer | ArrayBufferView): Buffer | ArrayBuffer {
  const view =
    value instanceof ArrayBuffer
      ? new Uint8Array(value)
      : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (inNode) return Buffer.isBuffer(value) ? value : Buffer.from(view.buffer, view.byteOffset, view.byteLength);
  const whole = view.byteOffset === 0 && view.byteLength === view.buffer.byteLength;
  return whole
    ? (view.buffer as ArrayBuffer)
    : (view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength) as ArrayBuffer);
}

/** Packet data with every binary value in the form `asBin` gives. */
function withBins(value: unknown, depth = 0): unknown {
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return asBin(value);
  if (Array.isArray(value) && depth < 4) return value.map((item) => withBins(item, depth + 1));
  return value;
}

/**
 * notepack.io (under socket.io-msgpack-parser) is unkind to typed arrays: in Node it
 * writes a view as its *entire* underlying buffer (a `subarray()` would leak bytes
 * never meant to leave) as an extension type browsers decode as `[0, bytes]`; in
 * browsers it writes a Uint8Array as a map of numbers. This encoder hands it only
 * the forms it writes as plain `bin`, which both sides decode as bytes.
 */
class ExactEncoder extends msgpackParser.Encoder {
  override encode(packet: { data?: unknown }): ReturnType<InstanceType<typeof msgpackParser.Encoder>['encode']> {
    return super.encode({ ...packet, data: withBins(packet.data) });
  }
}

/**
 * The Socket.IO packet codec both sides must use: MessagePack, so a binary
 * payload travels in the same WebSocket frame as its event instead of as a
 * second frame (Socket.IO's default parser), which halves frames and writes
 * per message. Pass it as the `parser` option of `io()` and `new Server()`.
 */
export const WIRE_PARSER = { Encoder: ExactEncoder, Decoder: msgpackParser.Decoder };
