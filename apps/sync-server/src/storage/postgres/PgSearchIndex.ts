import type pg from 'pg';
import { openingOf } from '../../search/searchText.js';
import { pgAccessFilter } from '../accessFilters.js';
import type { IndexedText, SearchHit, SearchIndex, SearchQuery } from '../SearchIndex.js';
import { documentMeta, type DocumentRow } from '../storedRows.js';

/** The title weighs most (A), the text least (D): ts_rank's default weights make a title match count ten times more. */
const WRITE = `
  INSERT INTO doc_search (doc_id, title, body, tsv)
  SELECT id, $2, $3, setweight(to_tsvector('simple', $2), 'A') || setweight(to_tsvector('simple', $3), 'D')
    FROM documents WHERE id = $1`;

/** PostgreSQL's "program limit exceeded": a tsvector over 1 MB (a text of very many distinct words). */
const TOO_LONG = '54000';

/** How a snippet is made: one passage around the best match, marked as `MATCH_START`/`MATCH_END`. */
const HEADLINE_OPTIONS = `'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=24, MinWords=10, ShortWord=0, MaxFragments=1, FragmentDelimiter=" … "'`;

/**
 * A tsquery that means the words and nothing else: each one a quoted lexeme (quotes and
 * backslashes escaped), all required, the last also as the start of a longer word.
 */
function tsqueryText(terms: readonly string[]): string {
  return terms
    .map((term, i) => `'${term.replaceAll('\\', '\\\\').replaceAll("'", "''")}'${i === terms.length - 1 ? ':*' : ''}`)
    .join(' & ');
}

type HitRow = DocumentRow & { rank: number | null };

/**
 * Full-text search in PostgreSQL: a tsvector per document ('simple' configuration, so any
 * language is split into words the same way) under a GIN index, ranked by ts_rank with the
 * title weighted higher, snippets by ts_headline. Not fenced by ownership: it is derived
 * data, and the next write from the document's owner replaces whatever landed before.
 */
export class PgSearchIndex implements SearchIndex {
  constructor(private readonly pool: pg.Pool) {}

  async write(docId: string, text: IndexedText, options: { onlyIfMissing?: boolean } = {}): Promise<void> {
    const onConflict = options.onlyIfMissing
      ? 'ON CONFLICT (doc_id) DO NOTHING'
      : 'ON CONFLICT (doc_id) DO UPDATE SET title = excluded.title, body = excluded.body, tsv = excluded.tsv';
    let { body } = text;
    for (;;) {
      try {
        await this.pool.query(`${WRITE} ${onConflict}`, [docId, text.title, body]);
        return;
      } catch (error) {
        // Keep the start of such a text rather than none of it.
        if ((error as { code?: string }).code !== TOO_LONG || body.length < 1000) throw error;
        body = body.slice(0, Math.floor(body.length / 2));
      }
    }
  }

  async isMissing(docId: string): Promise<boolean> {
    const { rows } = await this.pool.query(
      'SELECT 1 FROM documents d WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM doc_search s WHERE s.doc_id = d.id)',
      [docId],
    );
    return rows.length > 0;
  }

  async missing(limit: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM documents d WHERE NOT EXISTS (SELECT 1 FROM doc_search s WHERE s.doc_id = d.id)
        ORDER BY updated_at DESC LIMIT $1`,
      [limit],
    );
    return rows.map((row) => row.id);
  }

  async search(query: SearchQuery): Promise<SearchHit[]> {
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const fullText = query.terms.length > 0;
    const tsquery = fullText ? `to_tsquery('simple', ${param(tsqueryText(query.terms))})` : '';
    const access = pgAccessFilter(query.access, 'd.id', param);
    const sql = `
      ${fullText ? `WITH hits AS (SELECT doc_id, ts_rank(tsv, ${tsquery}) AS rank FROM doc_search WHERE tsv @@ ${tsquery})` : ''}
      SELECT d.id, d.title, d.created_at, d.updated_at, d.size, ${fullText ? 'h.rank' : 'NULL::real'} AS rank
        FROM documents d ${fullText ? 'LEFT JOIN hits h ON h.doc_id = d.id' : ''}
       WHERE (${fullText ? 'h.doc_id IS NOT NULL OR ' : ''}
              strpos(lower(CASE WHEN d.title = '' THEN 'Untitled' ELSE d.title END), ${param(query.titleContains)}) > 0)
             AND d.trashed_at IS NULL ${access ? `AND ${access}` : ''}
       ORDER BY ${fullText ? 'h.rank DESC NULLS LAST, ' : ''}d.updated_at DESC, d.id
       LIMIT ${param(query.limit)} OFFSET ${param(query.offset)}`;
    const { rows } = await this.pool.query<HitRow>(sql, params);
    const snippets = await this.snippets(rows, fullText ? tsqueryText(query.terms) : null);
    return rows.map((row) => ({ meta: documentMeta(row), snippet: snippets.get(row.id) ?? '' }));
  }

  /** Snippets for a page of hits only: a headline reads the document's whole text. */
  private async snippets(rows: readonly HitRow[], tsquery: string | null): Promise<Map<string, string>> {
    if (rows.length === 0) return new Map();
    const matched = rows.filter((row) => row.rank !== null).map((row) => row.id);
    const { rows: found } = await this.pool.query<{ doc_id: string; headline: string | null; opening: string }>(
      `SELECT doc_id, left(body, 400) AS opening,
              CASE WHEN doc_id = ANY($2::text[]) THEN ts_headline('simple', body, to_tsquery('simple', $3), ${HEADLINE_OPTIONS}) END AS headline
         FROM doc_search WHERE doc_id = ANY($1::text[])`,
      [rows.map((row) => row.id), matched, tsquery ?? ''],
    );
    return new Map(found.map((row) => [row.doc_id, row.headline ?? openingOf(row.opening)]));
  }
}
