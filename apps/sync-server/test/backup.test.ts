import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { backupDatabase } from '../src/storage/backup.js';
import { SqliteStore, StorageOpenError } from '../src/storage/SqliteStore.js';
import { decodeRow } from '../src/storage/rowCodec.js';
import { assertFreshBuild, ROOT } from './builtServer.js';
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

  it('finishes while someone edits without a pause, and the copy is whole', async () => {
    assertFreshBuild();
    ts = await startTestServer();
    const session = ts.client().open('busy');
    await session.whenSynced();
    session.doc.getText('t').insert(0, `${randomBytes(300_000).toString('base64')}\n`);
    await session.whenSaved();
    const saved = text(session);
    // A database the size of a team's after some months, so that copying it takes far longer
    // than the time between two commits (the filler is a table of its own, beside Tandem's).
    const filler = new Database(path.join(ts.dataDir, 'tandem.db'));
    filler.exec('CREATE TABLE filler (data BLOB)');
    const fill = filler.prepare('INSERT INTO filler VALUES (?)');
    for (let i = 0; i < 64; i++) fill.run(randomBytes(1024 * 1024));
    filler.close();
    session.doc.getText('t').insert(0, 'before backup ');
    await session.whenSaved();

    let editing = true;
    let commitsDuringBackup = 0;
    const typist = (async () => {
      while (editing) {
        session.doc.getText('t').insert(0, 'x');
        await session.whenSaved();
        commitsDuringBackup++;
      }
    })();
    // `npm run backup` in its own process, as an operator runs it beside the live server.
    const destination = tempFile('busy.db');
    const backup = spawn(process.execPath, [path.join(ROOT, 'apps/sync-server/dist/cli/backup.js'), destination], {
      env: { PATH: process.env.PATH ?? '', DATA_DIR: ts.dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    backup.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    backup.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exit = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => backup.kill('SIGKILL'), 30_000);
      backup.on('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    editing = false;
    await typist;
    expect(exit, output).toBe(0);
    expect(output).toMatch(/tandem backup: 1 documents/);
    expect(commitsDuringBackup).toBeGreaterThan(0);

    const copy = new Database(destination, { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      const rows = copy
        .prepare<[], { data: Buffer; codec: number }>(
          "SELECT data, codec FROM updates WHERE doc_id = 'busy' ORDER BY seq",
        )
        .all();
      const doc = new Y.Doc();
      for (const row of rows) Y.applyUpdate(doc, decodeRow(new Uint8Array(row.data), row.codec));
      expect(doc.getText('t').toString()).toMatch(/^x*before backup /);
      expect(doc.getText('t').toString().endsWith(saved)).toBe(true);
    } finally {
      copy.close();
    }
  }, 60_000);

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
