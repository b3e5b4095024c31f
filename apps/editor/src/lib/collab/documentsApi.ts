import { authHeaders } from './accessToken.js';

/** A document as the server lists it. */
export interface DocSummary {
  id: string;
  title: string;
  updatedAt: string;
  createdAt: string;
  size: number;
  /** People behind the latest saved version, when known. */
  editors?: string[];
}

/** An API failure with words a person can read. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
}

/**
 * Calls the API with this browser's access token (token mode); a failure becomes an
 * ApiError whose message starts with `failure` and says why in words.
 */
export async function callApi<T>(path: string, init: RequestInit, failure: string): Promise<T> {
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
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new ApiError(`${failure} ${body?.error?.message ?? `The server answered ${res.status}.`}`);
  }
  return (res.status === 204 ? undefined : await res.json()) as T;
}

const json = { 'content-type': 'application/json' };

/** One page of the document list, and where the next one starts (null: this was the last). */
export interface DocPage {
  documents: DocSummary[];
  next: string | null;
}

/** What to list: titles containing `query`, after `cursor` (a previous page's `next`), `limit` at a time. */
export interface ListOptions {
  query?: string;
  cursor?: string | null;
  limit?: number;
}

/** A page of documents, newest first; the server does the searching and paging. */
export function listDocuments(options: ListOptions = {}): Promise<DocPage> {
  const params = new URLSearchParams();
  if (options.query) params.set('q', options.query);
  if (options.cursor) params.set('cursor', options.cursor);
  if (options.limit !== undefined) params.set('limit', String(options.limit));
  const search = params.toString();
  return callApi<DocPage>(`/api/docs${search ? `?${search}` : ''}`, {}, 'Your documents could not be loaded.');
}

/** Creates a document: a new one, or the one at `id` (e.g. again, after it was deleted). */
export function createDocument(id?: string): Promise<DocSummary> {
  return callApi(
    '/api/docs',
    { method: 'POST', headers: json, body: JSON.stringify(id === undefined ? {} : { id }) },
    'A new document could not be created.',
  );
}

/** Creates a document from Markdown text. */
export function importMarkdown(markdown: string, title: string): Promise<DocSummary> {
  return callApi(
    '/api/docs/import',
    { method: 'POST', headers: json, body: JSON.stringify({ markdown, title }) },
    'The file could not be imported.',
  );
}

/** Renames a document (live for everyone who has it open). */
export function renameDocument(id: string, title: string): Promise<DocSummary> {
  return callApi(
    `/api/docs/${encodeURIComponent(id)}`,
    { method: 'PATCH', headers: json, body: JSON.stringify({ title }) },
    'The document could not be renamed.',
  );
}

/** Deletes a document for everyone. */
export function deleteDocument(id: string): Promise<void> {
  return callApi(`/api/docs/${encodeURIComponent(id)}`, { method: 'DELETE' }, 'The document could not be deleted.');
}

/** The download address of a document's export. */
export function exportUrl(id: string, format: 'markdown' | 'html'): string {
  return `/api/docs/${encodeURIComponent(id)}/export?format=${format}`;
}
