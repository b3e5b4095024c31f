import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDatabase } from '../src/storage/backup.js';
import { SqliteStore, StorageOpenError } from '../src/storage/SqliteStore.js';
import { startTestServer, text, type TestServer } from './helpers.js';

let ts: TestServer | undefined;
afterEach(async () => {
  await ts?.stop({ wipe: true });
  ts = undefined;
});

function tempFile(name: string): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-backup-')), name);
}

describe('backup and a damaged database', () => {
  it('copies the live database while clients keep writing, and the copy restores', async () => {
    ts = await startTestServer();
    const session = ts.client().open('kept');
    await session.whenSynced();
    session.doc.getText('t').insert(0, 'before backup');
    await session.whenSaved();
    const destination = tempFile('copy.db');
    // Keep writing during the backup.
    const writing = (async () => {
      for (let i = 0; i < 50; i++) session.doc.getText('t').insert(0, 'x');
      await session.whenSaved();
    })();
    const result = await backupDatabase(path.join(ts.dataDir, 'tandem.db'), destination);
    await writing;
    expect(result.documents).toBe(1);
    // Restore: a server started on a data dir holding only the copy sees the content.
    const restoredDir = path.dirname(destination);
    fs.renameSync(destination, path.join(restoredDir, 'tandem.db'));
    await ts.stop({ wipe: true });
    ts = await startTestServer({}, { dataDir: restoredDir });
    const reader = ts.client().open('kept');
    await reader.whenSynced();
    expect(text(reader)).toContain('before backup');
  });

  it('refuses to overwrite an existing file', async () => {
    ts = await startTestServer();
    const destination = tempFile('exists.db');
    fs.writeFileSync(destination, 'precious');
    await expect(backupDatabase(path.join(ts.dataDir, 'tandem.db'), destination)).rejects.toThrow(/already exists/);
    expect(fs.readFileSync(destination, 'utf8')).toBe('precious');
  });

  it('refuses a corrupt database with a clear message instead of starting empty', () => {
    const file = tempFile('tandem.db');
    fs.writeFileSync(file, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4096, 0x5a)]));
    expect(() => new SqliteStore(file)).toThrow(StorageOpenError);
    expect(() => new SqliteStore(file)).toThrow(/Restore it from a backup/);
    expect(fs.readFileSync(file).subarray(16, 20).toString()).toBe('ZZZZ');
  });
});
