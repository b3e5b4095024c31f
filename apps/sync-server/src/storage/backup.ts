import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/** What a backup copied. */
export interface BackupResult {
  documents: number;
  bytes: number;
  ms: number;
}

/** Flushes a file (or directory entry) to the disk. */
function fsyncPath(file: string): void {
  const fd = fs.openSync(file, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Copies the database at `source` to `destination` while the server runs and writes,
 * then checks the copy's integrity. Refuses to overwrite an existing file.
 *
 * `VACUUM INTO` writes the copy from one read transaction: a consistent snapshot that
 * writers do not disturb (SQLite's online backup API, which this used before, starts
 * over whenever another connection writes, so under steady editing it never finished).
 * The copy is compact and self-contained (no -wal beside it). It is written under a
 * temporary name and flushed to disk before it takes its final name, so a backup cut
 * short never leaves a half-written file that looks like a good one.
 */
export async function backupDatabase(source: string, destination: string): Promise<BackupResult> {
  if (!fs.existsSync(source)) throw new Error(`there is no database at ${source} (is DATA_DIR right?)`);
  if (fs.existsSync(destination)) throw new Error(`${destination} already exists; choose a new file name`);
  const dir = path.dirname(destination);
  fs.mkdirSync(dir, { recursive: true });
  const partial = path.join(dir, `.${path.basename(destination)}.${process.pid}.partial`);
  fs.rmSync(partial, { force: true });
  const started = Date.now();
  try {
    const db = new Database(source, { readonly: true, fileMustExist: true });
    try {
      db.prepare('VACUUM INTO ?').run(partial);
    } finally {
      db.close();
    }
    // SQLite does not flush what VACUUM INTO writes.
    fsyncPath(partial);
    const copy = new Database(partial, { readonly: true });
    let documents: number;
    try {
      const ok = copy.pragma('integrity_check', { simple: true });
      if (ok !== 'ok') throw new Error(`the copy failed its integrity check: ${String(ok)}`);
      documents = (copy.prepare('SELECT COUNT(*) AS n FROM documents').get() as { n: number }).n;
    } finally {
      copy.close();
    }
    // A hard link fails if the name was taken meanwhile: a backup never replaces a file.
    try {
      fs.linkSync(partial, destination);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' || fs.existsSync(destination))
        throw new Error(`${destination} already exists; choose a new file name`, { cause: error });
      // Some file systems have no hard links; with the name known to be free, a rename does.
      fs.renameSync(partial, destination);
    }
    fsyncPath(dir);
    return { documents, bytes: fs.statSync(destination).size, ms: Date.now() - started };
  } finally {
    fs.rmSync(partial, { force: true });
  }
}
