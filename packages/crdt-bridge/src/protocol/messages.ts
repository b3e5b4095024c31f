import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';

/** The three y-protocols sync message types, as numbered on the wire. */
export const SyncMessageType = {
  Step1: syncProtocol.messageYjsSyncStep1,
  Step2: syncProtocol.messageYjsSyncStep2,
  Update: syncProtocol.messageYjsUpdate,
} as const;

/** A decoded sync message: which kind, and its payload (a state vector for step 1, a V1 update otherwise). */
export type SyncMessage =
  | { type: 'step1'; stateVector: Uint8Array }
  | { type: 'step2'; update: Uint8Array }
  | { type: 'update'; update: Uint8Array };

/** Encodes sync step 1: "here is my state vector, send me what I lack". */
export function encodeStep1(doc: Y.Doc): Uint8Array {
  const encoder = encoding.createEncoder();
  syncProtocol.writeSyncStep1(encoder, doc);
  return encoding.toUint8Array(encoder);
}

/** Encodes sync step 1 from a state vector already at hand (e.g. stored with a compacted state). */
export function encodeStep1FromStateVector(stateVector: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep1);
  encoding.writeVarUint8Array(encoder, stateVector);
  return encoding.toUint8Array(encoder);
}

/** Encodes sync step 2: everything `doc` has that a peer with `stateVector` lacks. */
export function encodeStep2(doc: Y.Doc, stateVector?: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  syncProtocol.writeSyncStep2(encoder, doc, stateVector);
  return encoding.toUint8Array(encoder);
}

/** Wraps an already computed V1 update as sync step 2. */
export function encodeStep2FromUpdate(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** Wraps a raw Yjs V1 update as a sync "update" message. */
export function encodeUpdate(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

/**
 * Decodes a sync message without applying it. Throws on bytes that are not a
 * complete, well-formed message (unknown type, truncated payload, trailing bytes).
 */
export function decodeSyncMessage(bytes: Uint8Array): SyncMessage {
  const decoder = decoding.createDecoder(bytes);
  const type = decoding.readVarUint(decoder);
  const payload = decoding.readVarUint8Array(decoder);
  if (decoding.hasContent(decoder)) throw new RangeError('sync message has trailing bytes');
  switch (type) {
    case SyncMessageType.Step1:
      Y.decodeStateVector(payload);
      return { type: 'step1', stateVector: payload };
    case SyncMessageType.Step2:
      return { type: 'step2', update: payload };
    case SyncMessageType.Update:
      return { type: 'update', update: payload };
    default:
      throw new RangeError(`unknown sync message type ${type}`);
  }
}
