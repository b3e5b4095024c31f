import type { DocError } from './errors.js';

/** First message a client sends for a document: asks to become a member of its room. */
export interface JoinRequest {
  docId: string;
  /** Must equal the server's PROTOCOL_VERSION. */
  protocol: number;
  /**
   * A random secret the client keeps for its lifetime (at most 64 characters). Presence
   * client ids are bound to it, so a reconnecting tab takes its own presence back while
   * nobody else can overwrite or remove it. Without one, the connection id is used.
   */
  sessionKey?: string;
}

/** What a person may do with a document: read it, edit it, or also delete it and manage access. */
export type Role = 'viewer' | 'commenter' | 'editor' | 'owner';

/** Outcome of a join, an update, or any request the server acknowledges. A join's success names the role. */
export type AckResult = { ok: true; role?: Role } | { ok: false; error: DocError };

/**
 * Events a client emits. Binary payloads travel as MessagePack `bin` values inside the
 * packet (see `WIRE_PARSER` and PROTOCOL.md); a receiver may see them as Uint8Array,
 * Buffer or ArrayBuffer and must normalise (see `toBytes`).
 */
export interface ClientToServerEvents {
  /** Join a document's room; the server loads the document before it answers. */
  join: (request: JoinRequest, ack: (result: AckResult) => void) => void;
  /** Leave a document's room; the server drops this connection's presence there. */
  leave: (docId: string) => void;
  /**
   * A y-protocols sync message (step 1, step 2 or update) for a joined document.
   * For step 2 and update, `ack` fires only once the change is durably stored.
   */
  sync: (docId: string, message: Uint8Array, ack: (result: AckResult) => void) => void;
  /** A y-protocols awareness update for a joined document. */
  awareness: (docId: string, update: Uint8Array) => void;
  /** Liveness check: the server answers at once, whatever else it is waiting on. */
  probe: (ack: () => void) => void;
}

/** Events the server emits. */
export interface ServerToClientEvents {
  /** A y-protocols sync message (step 1, step 2 or update) for a joined document. */
  sync: (docId: string, message: Uint8Array) => void;
  /** A y-protocols awareness update for a joined document. */
  awareness: (docId: string, update: Uint8Array) => void;
  /** An error not tied to an acknowledgement, e.g. storage trouble or a refused awareness message. */
  'doc-error': (error: DocError) => void;
}

/** Normalises a binary payload as Socket.IO delivers it (Buffer in Node, ArrayBuffer in browsers). */
export function toBytes(payload: unknown): Uint8Array | null {
  if (payload instanceof Uint8Array) return payload;
  if (payload instanceof ArrayBuffer) return new Uint8Array(payload);
  if (ArrayBuffer.isView(payload)) return new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
  return null;
}
