import type { DocumentPageJSON } from '@tandem/crdt-bridge/api';
import { cleanSearch, searchTerms, snippetJson } from '../search/searchText.js';
import type { DocumentAccess, DocumentMeta } from '../storage/DocumentStore.js';
import type { SearchIndex } from '../storage/SearchIndex.js';
import { BadRequest } from './json.js';

/** Furthest into the results a search pages: past it, better words find more than more pages would. */
const MAX_OFFSET = 10_000;

/** The cursor of a search's next page: how many matches came before it. */
function searchCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

/** The number of matches a search cursor skips; throws BadRequest for one this server did not hand out. */
function readSearchCursor(cursor: string): number {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = null;
  }
  const offset = typeof value === 'object' && value !== null ? (value as { offset?: unknown }).offset : undefined;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0 || offset > MAX_OFFSET)
    throw new BadRequest(
      400,
      'INVALID_CURSOR',
      'That list position is not valid; load the list again from the start (without cursor).',
    );
  return offset;
}

/** What a search page needs from the list route. */
export interface SearchPageRequest {
  q: string;
  limit: number;
  cursor: string | null;
  access: DocumentAccess;
  /** The list's view of a document and its editors. */
  describe: (page: DocumentMeta[]) => Promise<DocumentPageJSON['documents']>;
}

/**
 * One page of `GET /api/docs?q=`: documents whose title or text holds the words, best
 * first, each with a snippet of plain text and the ranges to highlight in it. Any text is
 * a valid search: the words are taken as words, never as query syntax.
 */
export async function searchPage(index: SearchIndex, request: SearchPageRequest): Promise<DocumentPageJSON> {
  const offset = request.cursor ? readSearchCursor(request.cursor) : 0;
  const q = cleanSearch(request.q);
  // One more than asked for tells whether there is a next page.
  const hits = await index.search({
    terms: searchTerms(q),
    titleContains: q.toLowerCase(),
    access: request.access,
    limit: request.limit + 1,
    offset,
  });
  const page = hits.slice(0, request.limit);
  const described = await request.describe(page.map((hit) => hit.meta));
  const nextOffset = offset + page.length;
  return {
    documents: described.map((doc, i) => ({ ...doc, snippet: snippetJson(page[i]!.snippet) })),
    next: hits.length > request.limit && nextOffset <= MAX_OFFSET ? searchCursor(nextOffset) : null,
  };
}
