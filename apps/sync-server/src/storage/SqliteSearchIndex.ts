import type { Database } from 'better-sqlite3';
import { openingOf } from '../search/searchText.js';
import { sqliteAccessFilter } from './accessFilters.js';
import { SEARCH_WRITE_SQL } from './appendStatements.js';
import type { TextToIndex } from './commitThread.js';
import type { IndexedText, SearchHit, SearchIndex, SearchQuery } from './SearchIndex.js';
import { documentMeta, type DocumentRow } from './storedRows.js';

/** Title matches weigh this much more than text matches in the ranking (FTS5's bm25 column weights). */
const TITLE_WEIGHT = 10;
/** Most words in a snippet (FTS5 allows up to 64). */
const SNIPPET_TOKENS = 24;

/**
 * An FTS5 query that means the words and nothing else: each one quoted (a quote in it
 * doubled), so `*`, `-`, `NEAR`, `AND`, parentheses or a lone quote are plain text; the
 * last word also matches as the start of a longer one (results while typing).
 */
function matchExpression(terms: readonly string[]): string {
  return terms.map((term, i) => `"${term.replaceAll('"', '""')}"${i === terms.length - 1 ? '*' : ''}`).join(' ');
}

/** A row of a search's page: the document, its index row and its rank (null: only its title contained the search). */
type HitRow = DocumentRow & { row_id: number | null; rank: number | null };

/**
 * Full-text search in SQLite: an FTS5 table of titles and text (unicode61, diacritics
 * removed, so "cafe" finds "café"), ranked by bm25 with the title weighted higher, and
 * snippets by FTS5's `snippet()`. Searches run on the store's connection; writes on the
 * commit thread when the store has one (a big document's text takes FTS5 tens of
 * milliseconds, which the event loop must not wait for), else on the store's connection.
 */
export class SqliteSearchIndex implements SearchIndex {
  private readonly stmts;

  constructor(
    private readonly db: Database,
    /** Writes on another connection, off the event loop; null: on `db`. */
    private readonly writeElsewhere: ((text: TextToIndex) => Promise<void>) | null = null,
  ) {
    this.stmts = {
      claim: db.prepare(SEARCH_WRITE_SQL.claim),
      rowOf: db.prepare<[string], { id: number }>(SEARCH_WRITE_SQL.rowOf),
      drop: db.prepare(SEARCH_WRITE_SQL.drop),
      put: db.prepare(SEARCH_WRITE_SQL.put),
      isMissing: db.prepare<[string], { id: string }>(
        'SELECT id FROM documents d WHERE id = ? AND NOT EXISTS (SELECT 1 FROM search_docs s WHERE s.doc_id = d.id)',
      ),
      missing: db.prepare<[number], { id: string }>(
        'SELECT id FROM documents d WHERE NOT EXISTS (SELECT 1 FROM search_docs s WHERE s.doc_id = d.id) ' +
          'ORDER BY updated_at DESC LIMIT ?',
      ),
      // CAST: next to MATCH, FTS5 ignores a rowid bound as a double (as better-sqlite3 binds numbers).
      snippet: db.prepare<[string, number], { snippet: string }>(
        `SELECT snippet(search_text, 1, char(2), char(3), '…', ${SNIPPET_TOKENS}) AS snippet
           FROM search_text WHERE search_text MATCH ? AND rowid = CAST(? AS INTEGER)`,
      ),
      opening: db.prepare<[number], { body: string }>(
        'SELECT substr(body, 1, 400) AS body FROM search_text WHERE rowid = ?',
      ),
    };
  }

  async write(docId: string, text: IndexedText, options: { onlyIfMissing?: boolean } = {}): Promise<void> {
    const onlyIfMissing = options.onlyIfMissing ?? false;
    if (this.writeElsewhere) return this.writeElsewhere({ docId, title: text.title, body: text.body, onlyIfMissing });
    // The same steps as the commit thread's `indexText`.
    this.db.transaction(() => {
      const claimed = this.stmts.claim.run(docId).changes > 0;
      if (onlyIfMissing && !claimed) return;
      const row = this.stmts.rowOf.get(docId);
      if (!row) return; // the document is gone
      this.stmts.drop.run(row.id);
      this.stmts.put.run(row.id, text.title, text.body);
    })();
  }

  async isMissing(docId: string): Promise<boolean> {
    return this.stmts.isMissing.get(docId) !== undefined;
  }

  async missing(limit: number): Promise<string[]> {
    return this.stmts.missing.all(limit).map((row) => row.id);
  }

  async search(query: SearchQuery): Promise<SearchHit[]> {
    const fullText = query.terms.length > 0;
    const match = matchExpression(query.terms);
    const access = sqliteAccessFilter(query.access, 'd.id');
    // The matches are gathered once (MATERIALIZED), not looked up again for every document the title test visits.
    const sql = `
      ${
        fullText
          ? `WITH hits AS MATERIALIZED (
        SELECT s.doc_id, bm25(search_text, ${TITLE_WEIGHT}, 1) AS rank
          FROM search_text JOIN search_docs s ON s.id = search_text.rowid WHERE search_text MATCH ?)`
          : ''
      }
      SELECT d.*, ${fullText ? 'h.rank' : 'NULL'} AS rank, (SELECT id FROM search_docs WHERE doc_id = d.id) AS row_id
        FROM documents d ${fullText ? 'LEFT JOIN hits h ON h.doc_id = d.id' : ''}
       WHERE (${fullText ? 'h.doc_id IS NOT NULL OR ' : ''}title_contains(d.title, ?)) AND d.trashed_at IS NULL ${access ? `AND ${access.sql}` : ''}
       ORDER BY ${fullText ? 'h.rank IS NULL, h.rank, ' : ''}d.updated_at DESC, d.id LIMIT ? OFFSET ?`;
    const params = [...(fullText ? [match] : []), query.titleContains, ...(access?.params ?? [])];
    const rows = this.db.prepare<unknown[], HitRow>(sql).all(...params, query.limit, query.offset);
    // Snippets only for the page: each reads its document's text.
    return rows.map((row) => ({ meta: documentMeta(row), snippet: this.snippetOf(row, match) }));
  }

  private snippetOf(row: HitRow, match: string): string {
    if (row.row_id === null) return '';
    if (row.rank !== null) return this.stmts.snippet.get(match, row.row_id)?.snippet ?? '';
    return openingOf(this.stmts.opening.get(row.row_id)?.body ?? '');
  }
}
