import type {
  DiffJSON,
  DocumentJSON,
  NameVersionRequest,
  RestoreRequest,
  RestoreResultJSON,
  VersionJSON,
  VersionListJSON,
} from '@tandem/crdt-bridge';
import { callApi } from '../collab/documentsApi.js';

/** What a diff compares a version with. */
export type Against = 'previous' | 'current' | number;

/** A history request that failed, with words a person can read (the shared API error). */
export { ApiError as HistoryApiError } from '../collab/documentsApi.js';

const JSON_HEADERS = { 'content-type': 'application/json' };

/** Every history call goes through the shared API caller (token, error wording). */
const call = callApi;

function versionsPath(docId: string, rest = ''): string {
  return `/api/docs/${encodeURIComponent(docId)}/versions${rest}`;
}

/** Every version of a document, newest first. */
export function fetchVersions(docId: string): Promise<VersionListJSON> {
  return call(versionsPath(docId), {}, 'The version history could not be loaded.');
}

/** The changes between version `id` and `against`. */
export function fetchDiff(docId: string, id: number, against: Against): Promise<DiffJSON> {
  return call(
    versionsPath(docId, `/${id}/diff?against=${encodeURIComponent(String(against))}`),
    {},
    'This version could not be shown.',
  );
}

/** Names the current state of the document. */
export function nameCurrent(docId: string, name: string): Promise<VersionJSON> {
  const body: NameVersionRequest = { name };
  return call(
    versionsPath(docId),
    { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) },
    'The version could not be named.',
  );
}

/** Names (or renames) an existing version. */
export function nameVersion(docId: string, id: number, name: string): Promise<VersionJSON> {
  const body: NameVersionRequest = { name };
  return call(
    versionsPath(docId, `/${id}`),
    { method: 'PATCH', headers: JSON_HEADERS, body: JSON.stringify(body) },
    'The version could not be named.',
  );
}

/** Restores a version (or one of its top-level blocks) for everyone. */
export function restoreVersion(docId: string, id: number, options: RestoreRequest): Promise<RestoreResultJSON> {
  return call(
    versionsPath(docId, `/${id}/restore`),
    { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(options) },
    'The version could not be restored.',
  );
}

/** Makes a new document holding a version's content. */
export function copyVersion(docId: string, id: number): Promise<DocumentJSON> {
  return call(versionsPath(docId, `/${id}/copy`), { method: 'POST' }, 'The copy could not be made.');
}
