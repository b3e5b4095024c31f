import type {
  CreateDocumentRequest,
  DocumentJSON,
  DocumentPageJSON,
  ErrorBodyJSON,
  ImportDocumentRequest,
  ImportDocumentResponse,
  RenameDocumentRequest,
  TrashEntryJSON,
} from '@tandem/crdt-bridge';
import { authHeaders } from './accessToken.js';

/** An API failure with words a person can read. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
}

/**
 * Fetches from the API with this browser's access token (token mode); a failure becomes an
 * ApiError whose message starts with `failure` and says why in words.
 */
export async function fetchApi(path: string, init: RequestInit, failure: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, {
      ...init,
      headers: { ...authHeaders(), ...(init.headers as Record<string, string> | undefined) },
    });
  } catch {
    throw new ApiError(`${failure} The Tandem server cannot be reached.`);
  }
  if (!res.ok) {
    // Usually the API's error body; a proxy in between may answer with anything.
    const body = (await res.json().catch(() => null)) as Partial<ErrorBodyJSON> | null;
    throw new ApiError(`${failure} ${body?.error?.message ?? `The server answered ${res.status}.`}`);
  }
  return res;
}

/** Calls the API (see {@link fetchApi}) and reads its JSON answer. */
export async function callApi<T>(path: string, init: RequestInit, failure: string): Promise<T> {
  const res = await fetchApi(path, init, failure);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

const json = { 'content-type': 'application/json' };

/**
 * What to list: documents whose title or text holds the words of `query` (best first, with
 * snippets), after `cursor` (a previous page's `next`), `limit` at a time; `signal` cancels.
 */
export interface ListOptions {
  query?: string;
  cursor?: string | null;
  limit?: number;
  signal?: AbortSignal;
}

/** A page of documents, newest first (or a search's, best first); the server does the searching and paging. */
export function listDocuments(options: ListOptions = {}): Promise<DocumentPageJSON> {
  const params = new URLSearchParams();
  if (options.query) params.set('q', options.query);
  if (options.cursor) params.set('cursor', options.cursor);
  if (options.limit !== undefined) params.set('limit', String(options.limit));
  const search = params.toString();
  return callApi<DocumentPageJSON>(
    `/api/docs${search ? `?${search}` : ''}`,
    options.signal ? { signal: options.signal } : {},
    'Your documents could not be loaded.',
  );
}

/** Creates a document: a new one, or the one at `id` (e.g. again, after it was deleted). */
export function createDocument(id?: string): Promise<DocumentJSON> {
  const body: CreateDocumentRequest = id === undefined ? {} : { id };
  return callApi(
    '/api/docs',
    { method: 'POST', headers: json, body: JSON.stringify(body) },
    'A new document could not be created.',
  );
}

/** Creates a document from Markdown text; the answer also says what was kept in another form. */
export function importMarkdown(markdown: string, title: string): Promise<ImportDocumentResponse> {
  const body: ImportDocumentRequest = { markdown, title };
  return callApi(
    '/api/docs/import',
    { method: 'POST', headers: json, body: JSON.stringify(body) },
    'The file could not be imported.',
  );
}

/** Renames a document (live for everyone who has it open). */
export function renameDocument(id: string, title: string): Promise<DocumentJSON> {
  const body: RenameDocumentRequest = { title };
  return callApi(
    `/api/docs/${encodeURIComponent(id)}`,
    { method: 'PATCH', headers: json, body: JSON.stringify(body) },
    'The document could not be renamed.',
  );
}

/** Deletes a document for everyone: it moves to Trash, where it can be restored. */
export function deleteDocument(id: string): Promise<TrashEntryJSON> {
  return callApi(`/api/docs/${encodeURIComponent(id)}`, { method: 'DELETE' }, 'The document could not be deleted.');
}

/** The formats a document can be downloaded in. */
export type ExportFormat = 'markdown' | 'html' | 'docx';

/** The download address of a document's export. */
export function exportUrl(id: string, format: ExportFormat): string {
  return `/api/docs/${encodeURIComponent(id)}/export?format=${format}`;
}
