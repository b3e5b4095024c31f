import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/** What a backup copied. */
export interface BackupResult {
  documents: number;
  bytes: number;
  ms: number;
}

/**
 * Copies the database at `source` to `destination` with SQLite's online backup
 * API (safe while the server runs and writes), then checks the copy's integrity.
 * Refuses to overwrite an existing file.
 */
export async function backupDatabase(source: string, destination: string): Promise<BackupResult> {
  if (!fs.existsSync(source)) throw new Error(`there is no database at ${source} (is DATA_DIR right?)`);
  if (fs.existsSync(destination)) throw new Error(`${destination} already exists; choose a new file name`);
  fs.mkdirSync(path.dirname(destination), { recursive: true });
  const started = Date.now();
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    await db.backup(destination);
  } finally {
    db.close();
  }
  const copy = new Database(destination, { readonly: true });
  try {
    const ok = copy.pragma('integrity_check', { simple: true });
    if (ok !== 'ok') throw new Error(`the copy failed its integrity check: ${String(ok)}`);
    const documents = (copy.prepare('SELECT COUNT(*) AS n FROM documents').get() as { n: number }).n;
    return { documents, bytes: fs.statSync(destination).size, ms: Date.now() - started };
  } finally {
    copy.close();
  }
}
