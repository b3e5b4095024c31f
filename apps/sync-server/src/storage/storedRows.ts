import { decodeRow, RowCodec, type PackedPart, type PackedState } from './rowCodec.js';
import type { DocumentMeta, StoredDocument } from './DocumentStore.js';
import type { VersionKind, VersionMeta } from './VersionStore.js';

/**
 * Rows as both SQL stores (SQLite and PostgreSQL) read them, and what they stand for:
 * one reading of each, so the two backends cannot drift apart in what they return.
 */

/** A `documents` row. */
export interface DocumentRow {
  id: string;
  title: string;
  created_at: number;
  updated_at: number;
  size: number;
}

/** The columns of {@link DocumentRow}. */
export const DOCUMENT_COLUMNS = 'id, title, created_at, updated_at, size';

/** A document's metadata from its row. */
export function documentMeta(row: DocumentRow): DocumentMeta {
  return { id: row.id, title: row.title, createdAt: row.created_at, updatedAt: row.updated_at, size: row.size };
}

/** An `updates` row as a load reads it. */
export interface UpdateRow {
  seq: number;
  data: Uint8Array;
  codec: number;
  state_vector: Uint8Array | null;
  delete_set: Uint8Array | null;
}

/** The bytes of a BLOB / bytea value (a Buffer) as a plain view, without copying. */
export function bytesOf(buffer: Uint8Array): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** A stored document from its row and its log, oldest first. */
export function storedDocument(meta: DocumentMeta, rows: readonly UpdateRow[]): StoredDocument {
  const stored: StoredDocument = {
    meta,
    updates: rows.map((r) => decodeRow(bytesOf(r.data), r.codec)),
    lastSeq: rows.length > 0 ? rows[rows.length - 1]!.seq : 0,
  };
  // A summary describes its row alone: it stands for the document only when that row is all there is.
  if (rows.length === 1) {
    const { state_vector: sv, delete_set: ds } = rows[0]!;
    if (sv) stored.stateVector = bytesOf(sv);
    if (ds) stored.deleteSetUpdate = bytesOf(ds);
  }
  return stored;
}

/** A `versions` row without its state. `authors` is JSON text (SQLite) or already parsed (PostgreSQL's jsonb). */
export interface VersionRow {
  id: number;
  doc_id: string;
  kind: VersionKind;
  name: string | null;
  created_at: number;
  authors: unknown;
  size: number;
  restore_of: number | null;
  /** 0/1 in SQLite, a boolean in PostgreSQL. */
  pinned: number | boolean;
}

/** The columns of {@link VersionRow}: a version without its state, which can be large. */
export const VERSION_COLUMNS = 'id, doc_id, kind, name, created_at, authors, size, restore_of, pinned';

/** The author names in a versions row's `authors`; a damaged value only costs the "edited by" line. */
export function authorNames(authors: unknown): string[] {
  let value = authors;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return [];
    }
  }
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** A version's metadata from its row. */
export function versionMeta(row: VersionRow): VersionMeta {
  return {
    id: row.id,
    docId: row.doc_id,
    kind: row.kind,
    name: row.name,
    createdAt: row.created_at,
    authors: authorNames(row.authors),
    size: row.size,
    restoreOf: row.restore_of,
    pinned: row.pinned === true || row.pinned === 1,
  };
}

/** A version's stored bytes with those of the base it builds on, if any. */
export interface VersionStateRow {
  state: Uint8Array;
  codec: number;
  base_id: number | null;
  base_data: Uint8Array | null;
  base_codec: number | null;
}

/** The SELECT of a {@link VersionStateRow} by version id and document id, with the store's placeholders. */
export function versionStateQuery(idParam: string, docParam: string): string {
  return `SELECT v.state, v.codec, v.base_id, b.data AS base_data, b.codec AS base_codec
            FROM versions v LEFT JOIN version_bases b ON b.id = v.base_id WHERE v.id = ${idParam} AND v.doc_id = ${docParam}`;
}

/** The packed state a {@link VersionStateRow} holds. */
export function packedVersionState(row: VersionStateRow): PackedState {
  const own: PackedPart = { data: bytesOf(row.state), codec: row.codec as RowCodec };
  // Before SQLite's migration 6 a version held its whole state; since, a base and a delta (empty when the version is the base).
  if (row.base_id === null || row.base_data === null) return { parts: [own] };
  const base: PackedPart = { data: bytesOf(row.base_data), codec: row.base_codec as RowCodec };
  return { parts: row.state.byteLength > 0 ? [base, own] : [base] };
}

/** The bytes and codec stored in a `versions` row for a packing: the delta, or nothing when the version is its own base. */
export function versionRowState(packing: { kind: 'delta' | 'base'; data: Uint8Array; codec: RowCodec }): {
  state: Uint8Array;
  codec: RowCodec;
} {
  return packing.kind === 'delta'
    ? { state: packing.data, codec: packing.codec }
    : { state: new Uint8Array(0), codec: RowCodec.Raw };
}
