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
 * What every connection to the database sets: commits that survive power loss, foreign
 * keys enforced (an append for a deleted document fails rather than leaving orphan rows),
 * and a wait rather than an error while the other connection holds the write lock.
 */
export const CONNECTION_PRAGMAS = ['synchronous = FULL', 'foreign_keys = ON', 'busy_timeout = 5000'] as const;
