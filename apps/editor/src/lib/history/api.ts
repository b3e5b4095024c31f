import type { DiffHiddenRun, DiffTruncation, NodeJSON, VersionJSON } from '@tandem/crdt-bridge';
import { callApi } from '../collab/documentsApi.js';

/** A version as the server lists it. */
export type Version = VersionJSON;

/** A document's versions, newest first, and the colours of the people in them. */
export interface VersionList {
  versions: Version[];
  colors: Record<string, string | null>;
}

/** One changed range of a diff, in positions of the diff's merged document. */
export interface Change {
  type: 'added' | 'removed' | 'changed';
  from: number;
  to: number;
  /** A whole node rather than text. */
  block: boolean;
  text: string;
  author: string | null;
}

/** One side of a diff: a version, the live document, or (neither) the empty document. */
export interface DiffSide {
  version: Version | null;
  current: boolean;
}

/** The changes between two states, from the older side (`base`) to the newer (`target`). */
export interface Diff {
  base: DiffSide;
  target: DiffSide;
  /** Both sides' content merged in document order; `changes` say which parts are whose. */
  doc: NodeJSON;
  changes: Change[];
  stats: { added: number; removed: number };
  titles: { base: string; target: string };
  colors: Record<string, string | null>;
  /**
   * Runs of unchanged top-level blocks the server left out of a large diff (with a few
   * blocks of context kept around each change); they are in both versions.
   */
  hidden: DiffHiddenRun[];
  /** Set when the diff was still too large and was cut after its last block shown. */
  truncated: DiffTruncation | null;
}

/** What a diff compares a version with. */
export type Against = 'previous' | 'current' | number;

/** What a restore did. */
export interface RestoreResult {
  restored: Version;
  restorePoint: Version;
  changed: boolean;
}

/** A document as the server describes it (a copy). */
export interface DocSummary {
  id: string;
  title: string;
  url: string;
}

/** A history request that failed, with words a person can read (the shared API error). */
export { ApiError as HistoryApiError } from '../collab/documentsApi.js';

const JSON_HEADERS = { 'content-type': 'application/json' };

/** Every history call goes through the shared API caller (token, error wording). */
const call = callApi;

function versionsPath(docId: string, rest = ''): string {
  return `/api/docs/${encodeURIComponent(docId)}/versions${rest}`;
}

/** Every version of a document, newest first. */
export function fetchVersions(docId: string): Promise<VersionList> {
  return call(versionsPath(docId), {}, 'The version history could not be loaded.');
}

/** The changes between version `id` and `against`. */
export function fetchDiff(docId: string, id: number, against: Against): Promise<Diff> {
  return call(
    versionsPath(docId, `/${id}/diff?against=${encodeURIComponent(String(against))}`),
    {},
    'This version could not be shown.',
  );
}

/** Names the current state of the document. */
export function nameCurrent(docId: string, name: string): Promise<Version> {
  return call(
    versionsPath(docId),
    { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ name }) },
    'The version could not be named.',
  );
}

/** Names (or renames) an existing version. */
export function nameVersion(docId: string, id: number, name: string): Promise<Version> {
  return call(
    versionsPath(docId, `/${id}`),
    { method: 'PATCH', headers: JSON_HEADERS, body: JSON.stringify({ name }) },
    'The version could not be named.',
  );
}

/** Restores a version (or one of its top-level blocks) for everyone. */
export function restoreVersion(
  docId: string,
  id: number,
  options: { by: string; block?: number },
): Promise<RestoreResult> {
  return call(
    versionsPath(docId, `/${id}/restore`),
    { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(options) },
    'The version could not be restored.',
  );
}

/** Makes a new document holding a version's content. */
export function copyVersion(docId: string, id: number): Promise<DocSummary> {
  return call(versionsPath(docId, `/${id}/copy`), { method: 'POST' }, 'The copy could not be made.');
}
