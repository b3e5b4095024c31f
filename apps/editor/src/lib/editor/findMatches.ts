import { SearchQuery } from 'prosemirror-search';
import type { EditorState } from 'prosemirror-state';

/** Matches counted at most, so a one-letter search in a huge document stays quick: past it, "1000+". */
export const MATCH_COUNT_LIMIT = 1000;

/** What the find bar asks for. */
export interface FindOptions {
  search: string;
  replace?: string;
  caseSensitive?: boolean;
  wholeWord?: boolean;
}

/** A plain-text query: what is typed is what is found (no regular expressions, no `\n` escapes). */
export function findQuery({
  search,
  replace = '',
  caseSensitive = false,
  wholeWord = false,
}: FindOptions): SearchQuery {
  return new SearchQuery({ search, replace, caseSensitive, wholeWord, literal: true });
}

/** How many matches a query has, and which of them (1-based) the selection is on. */
export interface MatchCount {
  total: number;
  /** True when counting stopped at the limit: there are more than `total`. */
  capped: boolean;
  /** The 1-based number of the match the selection covers exactly, or null. */
  current: number | null;
}

/** A document's matches for one query: their ranges in order, and whether counting stopped at the limit. */
interface Found {
  query: SearchQuery;
  limit: number;
  ranges: { from: number; to: number }[];
  capped: boolean;
}

// The last search of each document: the caret moving, or others' carets, change the state but not
// the document, and must not search the whole document again.
const lastFound = new WeakMap<EditorState['doc'], Found>();

/** Every match of `query` in `state`'s document, up to `limit`, searched once per document and query. */
function matchesOf(state: EditorState, query: SearchQuery, limit: number): Found {
  const known = lastFound.get(state.doc);
  if (known && known.limit === limit && known.query.eq(query)) return known;
  const found: Found = { query, limit, ranges: [], capped: false };
  const end = state.doc.content.size;
  let pos = 0;
  for (;;) {
    const match = pos <= end ? query.findNext(state, pos) : null;
    if (!match) break;
    if (found.ranges.length === limit) {
      found.capped = true;
      break;
    }
    found.ranges.push({ from: match.from, to: match.to });
    // A match is never empty for a literal query; the +1 only guards against looping forever.
    pos = match.to > match.from ? match.to : match.to + 1;
  }
  lastFound.set(state.doc, found);
  return found;
}

/** Counts `query`'s matches in `state`'s document, up to `limit`. */
export function countMatches(state: EditorState, query: SearchQuery, limit = MATCH_COUNT_LIMIT): MatchCount {
  if (!query.valid) return { total: 0, capped: false, current: null };
  const { ranges, capped } = matchesOf(state, query, limit);
  const { from, to } = state.selection;
  // Matches are in document order and never overlap: find the one starting at the selection.
  let low = 0;
  let high = ranges.length - 1;
  let current: number | null = null;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const range = ranges[mid]!;
    if (range.from < from) low = mid + 1;
    else if (range.from > from) high = mid - 1;
    else {
      if (range.to === to) current = mid + 1;
      break;
    }
  }
  return { total: ranges.length, capped, current };
}

/** The count as the find bar says it: "3 of 12", "12 matches", "1 match", "No matches", "1000+ matches". */
export function matchLabel({ total, capped, current }: MatchCount): string {
  if (total === 0) return 'No matches';
  const all = capped ? `${total}+` : String(total);
  if (current !== null) return `${current} of ${all}`;
  return total === 1 && !capped ? '1 match' : `${all} matches`;
}
