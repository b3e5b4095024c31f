import type pg from 'pg';

/**
 * The first key of every node's liveness lock (`pg_advisory_lock(NODE_LOCK_CLASS, lock_key)`),
 * held on a session of its own for as long as the node runs.
 */
export const NODE_LOCK_CLASS = 0x54414e44; // "TAND"

/**
 * PostgreSQL schema migrations, applied in order; `tandem_schema` records how many ran.
 * Append new ones; never edit one that has shipped. The same data as SQLite's schema,
 * plus what several nodes need: a per-document sequence (`documents.last_seq`, so a
 * document's log has no gaps and is read in commit order) and ownership (`owner_epoch`,
 * `owner_node`), which fences every write of a document's owner.
 */
/** The SQLSTATE `tandem_fenced_out` raises (class T: Tandem's own; PostgreSQL uses none starting with T). */
export const FENCED_OUT_SQLSTATE = 'TF001';

export const PG_MIGRATIONS: readonly string[] = [
  `CREATE TABLE documents (
     id text PRIMARY KEY,
     title text NOT NULL DEFAULT '',
     created_at bigint NOT NULL,
     updated_at bigint NOT NULL,
     size bigint NOT NULL DEFAULT 0,
     last_seq bigint NOT NULL DEFAULT 0,
     owner_epoch bigint NOT NULL DEFAULT 0,
     owner_node text
   );
   CREATE INDEX documents_updated ON documents (updated_at DESC, id);
   CREATE TABLE updates (
     doc_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
     seq bigint NOT NULL,
     data bytea NOT NULL,
     created_at bigint NOT NULL,
     codec smallint NOT NULL DEFAULT 0,
     state_vector bytea,
     delete_set bytea,
     PRIMARY KEY (doc_id, seq)
   );
   CREATE TABLE version_bases (
     id bigserial PRIMARY KEY,
     doc_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
     data bytea NOT NULL,
     codec smallint NOT NULL,
     state_vector bytea NOT NULL,
     size bigint NOT NULL
   );
   CREATE INDEX version_bases_doc ON version_bases (doc_id, id);
   CREATE TABLE versions (
     id bigserial PRIMARY KEY,
     doc_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
     kind text NOT NULL CHECK (kind IN ('auto', 'named', 'restore-point')),
     name text,
     created_at bigint NOT NULL,
     authors jsonb NOT NULL DEFAULT '[]',
     size bigint NOT NULL,
     state bytea NOT NULL,
     codec smallint NOT NULL DEFAULT 0,
     base_id bigint REFERENCES version_bases (id),
     restore_of bigint,
     pinned boolean NOT NULL DEFAULT false
   );
   CREATE INDEX versions_doc_created ON versions (doc_id, created_at DESC, id DESC);
   CREATE INDEX versions_base ON versions (base_id) WHERE base_id IS NOT NULL;
   CREATE TABLE doc_authors (
     doc_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
     client_id bigint NOT NULL,
     name text NOT NULL,
     color text,
     PRIMARY KEY (doc_id, client_id)
   );
   CREATE TABLE deleted_documents (
     id text PRIMARY KEY,
     deleted_at bigint NOT NULL
   );`,
  // Several nodes: who is alive (a lease, and a session advisory lock that goes the moment a node's process dies).
  `CREATE TABLE nodes (
     id text PRIMARY KEY,
     address text NOT NULL,
     lock_key integer NOT NULL,
     lease_until timestamptz NOT NULL,
     started_at timestamptz NOT NULL DEFAULT now()
   );
   CREATE SEQUENCE node_lock_keys AS integer CYCLE;
   CREATE FUNCTION tandem_node_alive(node text) RETURNS boolean LANGUAGE sql STABLE AS $$
     SELECT EXISTS (
       SELECT 1 FROM nodes n JOIN pg_locks l
         ON l.locktype = 'advisory' AND l.granted AND l.classid = ${NODE_LOCK_CLASS} AND l.objid = n.lock_key
        AND l.objsubid = 2 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       WHERE n.id = node AND n.lease_until > clock_timestamp())
   $$;`,
  // Share links: a token names its link, so revoking the row withdraws every copy of the token.
  `CREATE TABLE share_links (
     id text PRIMARY KEY,
     scope text NOT NULL,
     role text NOT NULL,
     name text NOT NULL DEFAULT '',
     user_id text NOT NULL,
     created_by text NOT NULL DEFAULT '',
     created_at bigint NOT NULL,
     expires_at bigint,
     last_used_at bigint,
     revoked_at bigint
   );
   CREATE INDEX share_links_scope ON share_links (scope);`,
  // Trash: a deleted document keeps its row, content and history, marked trashed, until restored or deleted for good.
  `ALTER TABLE documents ADD COLUMN trashed_at bigint;
   ALTER TABLE documents ADD COLUMN trashed_by text NOT NULL DEFAULT '';
   CREATE INDEX documents_trashed ON documents (trashed_at) WHERE trashed_at IS NOT NULL;`,
  // Full-text search ('simple' configuration: any language, no stemming). A document without
  // a row has never been indexed (those from before this migration are indexed in the background).
  `CREATE TABLE doc_search (
     doc_id text PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
     title text NOT NULL,
     body text NOT NULL,
     tsv tsvector NOT NULL
   );
   CREATE INDEX doc_search_tsv ON doc_search USING gin (tsv);`,
  // Images, stored once by the SHA-256 of their bytes, and the documents each is attached to.
  `CREATE TABLE images (
     id text PRIMARY KEY,
     mime text NOT NULL,
     width integer NOT NULL,
     height integer NOT NULL,
     size integer NOT NULL,
     bytes bytea NOT NULL,
     created_at bigint NOT NULL
   );
   CREATE TABLE document_images (
     doc_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
     image_id text NOT NULL REFERENCES images (id),
     attached_at bigint NOT NULL,
     PRIMARY KEY (doc_id, image_id)
   );
   CREATE INDEX document_images_image ON document_images (image_id);`,
  // Appends of several documents in one statement: it stops with this error, storing nothing,
  // when the fence refuses any of them (an update of documents cannot raise without PL/pgSQL).
  `CREATE FUNCTION tandem_fenced_out(doc text) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
   BEGIN
     RAISE EXCEPTION 'document % is owned by another node now', doc USING ERRCODE = '${FENCED_OUT_SQLSTATE}', DETAIL = doc;
   END $$;`,
];

/** Any constant both nodes agree on: the advisory lock that lets one node at a time migrate. */
const MIGRATION_LOCK = 0x74616e64; // "tand"

/**
 * Brings the database up to the latest schema; safe when several nodes start at once
 * (each waits for a transaction-scoped advisory lock, then finds the work done). Throws
 * if the database is from a newer Tandem.
 */
export async function migratePostgres(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS tandem_schema (version integer NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM tandem_schema');
    const current = rows[0]?.version ?? 0;
    if (rows.length === 0) await client.query('INSERT INTO tandem_schema (version) VALUES (0)');
    if (current > PG_MIGRATIONS.length)
      throw new Error(
        `database schema version ${current} is newer than this Tandem understands (${PG_MIGRATIONS.length}); upgrade Tandem`,
      );
    for (let version = current; version < PG_MIGRATIONS.length; version++) {
      await client.query(PG_MIGRATIONS[version]!);
      await client.query('UPDATE tandem_schema SET version = $1', [version + 1]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Why this PostgreSQL server cannot keep Tandem's promise that "Saved" is durable, or
 * null when it can: with `fsync` or `synchronous_commit` off a commit can be lost in a
 * crash after it was acknowledged.
 */
export async function durabilityProblem(pool: pg.Pool): Promise<string | null> {
  const { rows } = await pool.query<{ fsync: string; synchronous_commit: string }>(
    "SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS synchronous_commit",
  );
  const settings = rows[0]!;
  if (settings.fsync !== 'on') return 'the PostgreSQL server runs with fsync off';
  // local, remote_write, remote_apply and on all flush the primary's WAL before the commit returns.
  if (settings.synchronous_commit === 'off') return 'the PostgreSQL server runs with synchronous_commit off';
  return null;
}
