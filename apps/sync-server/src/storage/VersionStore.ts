import type { PackedState } from './rowCodec.js';
import type { VersionPacker, VersionState } from './versionPacking.js';

/** Raised when a version is stored for a document that no longer exists (deleted meanwhile). */
export class DocumentGone extends Error {
  override readonly name = 'DocumentGone';
  constructor(readonly docId: string) {
    super(`document ${docId} no longer exists`);
  }
}

/** What kind of snapshot a version is. */
export type VersionKind = 'auto' | 'named' | 'restore-point';

/** A stored version of a document, without its content. */
export interface VersionMeta {
  id: number;
  docId: string;
  kind: VersionKind;
  /** Set for named versions (and restore points someone named); null otherwise. */
  name: string | null;
  createdAt: number;
  /** Names of the people who edited since the previous snapshot. */
  authors: string[];
  /** Bytes of the encoded state. */
  size: number;
  /** For a restore point: the version whose restore it preceded. */
  restoreOf: number | null;
  /** A restore came from this version, so retention never deletes it. */
  pinned: boolean;
}

/** A version to store. */
export interface NewVersion {
  docId: string;
  kind: VersionKind;
  name: string | null;
  createdAt: number;
  authors: readonly string[];
  /**
   * The document's whole state (`Y.encodeStateAsUpdate`, or parts, see VersionState); the
   * store packs it (merged, compressed, as a delta where that pays) off the event loop.
   */
  state: VersionState;
  restoreOf?: number | null;
}

/** Changes to a stored version. */
export interface VersionPatch {
  name?: string | null;
  kind?: VersionKind;
  pinned?: boolean;
  /** Replaces the state (a restore point re-taken because edits arrived while it was being stored). */
  state?: VersionState;
}

/** Who a Yjs client id belongs to in one document, as presence told the server. */
export interface AuthorEntry {
  clientId: number;
  name: string;
  /** 6-digit hex colour, when presence had one. */
  color: string | null;
}

/**
 * Where version history lives: snapshots (each a document's whole state at one
 * moment) and the client-id → person table that attributes changes. Separate from
 * {@link DocumentStore} so rooms, which never need it, keep their narrow interface.
 */
export interface VersionStore {
  /**
   * Packs states with `pack` from now on. Packing reads the whole state (its state vector,
   * its delta on a base): tens of milliseconds for a multi-MB document, so the server hands
   * in a packer that runs on a worker. Without it, states are packed on the calling thread.
   */
  packWith?(pack: VersionPacker): void;
  /** Stores a snapshot; returns it with its id. Rejects with {@link DocumentGone} when the document was deleted. */
  addVersion(version: NewVersion): Promise<VersionMeta>;
  /** A document's versions, newest first. */
  listVersions(docId: string): Promise<VersionMeta[]>;
  /** One version of a document, or null (also when `id` belongs to another document). */
  getVersion(docId: string, id: number): Promise<VersionMeta | null>;
  /** The state of one version as stored (unpack it with `unpackState`, off the event loop), or null. */
  versionState(docId: string, id: number): Promise<PackedState | null>;
  /** Changes a version; returns it as changed, or null when there is no such version. */
  updateVersion(docId: string, id: number, patch: VersionPatch): Promise<VersionMeta | null>;
  /**
   * Deletes the versions among `ids` that nothing keeps: automatic snapshots and restore
   * points that are neither named nor pinned (retention and the history budget). Named
   * and pinned versions are never deleted, whatever the ids say. Returns how many went.
   */
  deleteThinnable(docId: string, ids: readonly number[]): Promise<number>;
  /** Bytes the document's history takes in storage, for the history budget. */
  historyBytes(docId: string): Promise<number>;
  /** Records (or updates) who Yjs client ids belong to in a document. */
  recordAuthors(docId: string, authors: readonly AuthorEntry[]): Promise<void>;
  /** Everyone recorded as writing in a document. */
  authors(docId: string): Promise<AuthorEntry[]>;
  /** For each of `docIds`, the authors of its newest version (for "edited by" in a page of the document list). */
  latestAuthors(docIds: readonly string[]): Promise<Map<string, string[]>>;
}
