/**
 * The SQL of an append, for the two connections that run it: the store's own (no commit
 * thread: `:memory:` databases and tests) and the commit thread's, whose code is a string
 * evaluated on another thread and cannot import this module, so it is handed these texts.
 * One copy, so the two cannot drift apart.
 */
export const APPEND_SQL = {
  /** One update row: (doc_id, data, created_at). */
  insertUpdate: 'INSERT INTO updates (doc_id, data, created_at) VALUES (?, ?, ?)',
  /** After a batch, once per document: (updated_at, bytes added, id). */
  touchDoc: 'UPDATE documents SET updated_at = ?, size = size + ? WHERE id = ?',
} as const;

/**
 * The SQL of writing a document's search text (FTS5), for the same two connections: a big
 * document's row takes FTS5 tens of milliseconds to tokenize (and its old row as long to
 * take out), so with a commit thread it is written there, not on the event loop.
 */
export const SEARCH_WRITE_SQL = {
  /** Gives the document an index row id if it has none and still exists: (doc_id). */
  claim: 'INSERT OR IGNORE INTO search_docs (doc_id) SELECT id FROM documents WHERE id = ?',
  /** The document's index row id: (doc_id). */
  rowOf: 'SELECT id FROM search_docs WHERE doc_id = ?',
  /** Takes out the row's text: (rowid). */
  drop: 'DELETE FROM search_text WHERE rowid = ?',
  /** Puts in the row's text: (rowid, title, body). */
  put: 'INSERT INTO search_text (rowid, title, body) VALUES (?, ?, ?)',
} as const;

/**
 * What every connection to the database sets: commits that survive power loss, foreign
 * keys enforced (an append for a deleted document fails rather than leaving orphan rows),
 * and a wait rather than an error while the other connection holds the write lock.
 */
export const CONNECTION_PRAGMAS = ['synchronous = FULL', 'foreign_keys = ON', 'busy_timeout = 5000'] as const;
