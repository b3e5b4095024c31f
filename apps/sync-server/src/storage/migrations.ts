import type { Database } from 'better-sqlite3';

/**
 * Schema migrations, applied in order; the database's `user_version` records how
 * many ran. Append new ones; never edit one that has shipped.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE documents (
     id TEXT PRIMARY KEY,
     title TEXT NOT NULL DEFAULT '',
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     size INTEGER NOT NULL DEFAULT 0
   ) WITHOUT ROWID;
   CREATE INDEX documents_updated ON documents (updated_at DESC);
   CREATE TABLE updates (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
     data BLOB NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE INDEX updates_doc_seq ON updates (doc_id, seq);`,
  // 2: version history. A version is a whole encoded state, so restoring one never
  // depends on the update log (which compaction rewrites).
  `CREATE TABLE versions (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
     kind TEXT NOT NULL CHECK (kind IN ('auto', 'named', 'restore-point')),
     name TEXT,
     created_at INTEGER NOT NULL,
     authors TEXT NOT NULL DEFAULT '[]',
     size INTEGER NOT NULL,
     state BLOB NOT NULL,
     restore_of INTEGER,
     pinned INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX versions_doc_created ON versions (doc_id, created_at DESC, id DESC);
   CREATE TABLE doc_authors (
     doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
     client_id INTEGER NOT NULL,
     name TEXT NOT NULL,
     color TEXT,
     PRIMARY KEY (doc_id, client_id)
   ) WITHOUT ROWID;`,
  // 3: compacted states are stored deflated (about 3× smaller); `codec` says how a row is held.
  `ALTER TABLE updates ADD COLUMN codec INTEGER NOT NULL DEFAULT 0;`,
  // 4: a compacted state carries its state vector, so a join can be answered without applying it.
  `ALTER TABLE updates ADD COLUMN state_vector BLOB;`,
  // 5: and its delete set, so a returning client that holds exactly that state is recognised without applying it.
  `ALTER TABLE updates ADD COLUMN delete_set BLOB;`,
  // 6: versions are stored deflated, and as a delta on a shared base state where that is much
  // smaller. A base is a whole state that one or more versions build on; it goes when the last
  // of them does. Versions stored before this migration hold their whole state (base_id NULL).
  `CREATE TABLE version_bases (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
     data BLOB NOT NULL,
     codec INTEGER NOT NULL,
     state_vector BLOB NOT NULL,
     size INTEGER NOT NULL
   );
   CREATE INDEX version_bases_doc ON version_bases (doc_id, id);
   ALTER TABLE versions ADD COLUMN codec INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE versions ADD COLUMN base_id INTEGER REFERENCES version_bases (id);
   CREATE INDEX versions_base ON versions (base_id) WHERE base_id IS NOT NULL;`,
  // 7: deleted documents leave a tombstone, so opening an old link cannot bring one back as a new, empty document.
  `CREATE TABLE deleted_documents (
     id TEXT PRIMARY KEY,
     deleted_at INTEGER NOT NULL
   ) WITHOUT ROWID;`,
  // 8: share links. A token names its link, so revoking the row withdraws every copy of the token.
  `CREATE TABLE share_links (
     id TEXT PRIMARY KEY,
     scope TEXT NOT NULL,
     role TEXT NOT NULL,
     name TEXT NOT NULL DEFAULT '',
     user_id TEXT NOT NULL,
     created_by TEXT NOT NULL DEFAULT '',
     created_at INTEGER NOT NULL,
     expires_at INTEGER,
     last_used_at INTEGER,
     revoked_at INTEGER
   ) WITHOUT ROWID;
   CREATE INDEX share_links_scope ON share_links (scope);`,
  // 9: Trash. A deleted document keeps its row, content and history, marked trashed, until it
  // is restored or deleted for good (by hand, or TRASH_DAYS later).
  `ALTER TABLE documents ADD COLUMN trashed_at INTEGER;
   ALTER TABLE documents ADD COLUMN trashed_by TEXT NOT NULL DEFAULT '';
   CREATE INDEX documents_trashed ON documents (trashed_at) WHERE trashed_at IS NOT NULL;`,
  // 10: full-text search. `search_docs` gives each indexed document the integer rowid FTS5
  // needs (and goes with the document, taking its FTS row along); a document without one has
  // never been indexed (those from before this migration are indexed in the background).
  `CREATE TABLE search_docs (
     id INTEGER PRIMARY KEY,
     doc_id TEXT NOT NULL UNIQUE REFERENCES documents (id) ON DELETE CASCADE
   );
   CREATE VIRTUAL TABLE search_text USING fts5 (title, body, tokenize = 'unicode61 remove_diacritics 2');
   CREATE TRIGGER search_docs_gone AFTER DELETE ON search_docs BEGIN
     DELETE FROM search_text WHERE rowid = old.id;
   END;`,
  // 11: images, stored once by the SHA-256 of their bytes, and which documents each is
  // attached to (access is per document; the attachment goes with its document).
  `CREATE TABLE images (
     id TEXT PRIMARY KEY,
     mime TEXT NOT NULL,
     width INTEGER NOT NULL,
     height INTEGER NOT NULL,
     size INTEGER NOT NULL,
     bytes BLOB NOT NULL,
     created_at INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE document_images (
     doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
     image_id TEXT NOT NULL REFERENCES images (id),
     attached_at INTEGER NOT NULL,
     PRIMARY KEY (doc_id, image_id)
   ) WITHOUT ROWID;
   CREATE INDEX document_images_image ON document_images (image_id);`,
];

/** Brings `db` up to the latest schema; throws if the file is from a newer Tandem. */
export function migrate(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `database schema version ${current} is newer than this Tandem understands (${MIGRATIONS.length}); upgrade Tandem`,
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
