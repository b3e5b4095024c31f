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

/** Counts `query`'s matches in `state`'s document, up to `limit`. */
export function countMatches(state: EditorState, query: SearchQuery, limit = MATCH_COUNT_LIMIT): MatchCount {
  const result: MatchCount = { total: 0, capped: false, current: null };
  if (!query.valid) return result;
  const { from, to } = state.selection;
  const end = state.doc.content.size;
  let pos = 0;
  for (;;) {
    const match = pos <= end ? query.findNext(state, pos) : null;
    if (!match) return result;
    if (result.total === limit) return { ...result, capped: true };
    result.total++;
    if (match.from === from && match.to === to) result.current = result.total;
    // A match is never empty for a literal query; the +1 only guards against looping forever.
    pos = match.to > match.from ? match.to : match.to + 1;
  }
}

/** The count as the find bar says it: "3 of 12", "12 matches", "1 match", "No matches", "1000+ matches". */
export function matchLabel({ total, capped, current }: MatchCount): string {
  if (total === 0) return 'No matches';
  const all = capped ? `${total}+` : String(total);
  if (current !== null) return `${current} of ${all}`;
  return total === 1 && !capped ? '1 match' : `${all} matches`;
}
