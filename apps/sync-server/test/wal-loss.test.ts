import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TandemClient } from '@tandem/crdt-bridge';
import { checkWriteAheadLog } from '../src/storage/walCheck.js';
import { assertFreshBuild, freePort, ServerProcess } from './builtServer.js';

/**
 * A real server, killed with SIGKILL after its clients were told their edits are saved,
 * leaves committed transactions in its write-ahead log (nothing has checkpointed them
 * into tandem.db yet). If that log goes missing or is damaged, SQLite would open the
 * database without them and say nothing; the server must refuse to start instead.
 */

const TEXT = 'Every word here was acknowledged as saved before the crash.';
let crashedDir: string;
const dirs: string[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-wal-'));
  dirs.push(dir);
  return dir;
}

/** A copy of the crashed server's data directory (database, log and index as the kill left them). */
function copyOfCrash(): { dir: string; wal: string } {
  const dir = tempDir();
  for (const name of fs.readdirSync(crashedDir)) fs.copyFileSync(path.join(crashedDir, name), path.join(dir, name));
  return { dir, wal: path.join(dir, 'tandem.db-wal') };
}

/** The text of document "ledger" as a server started on `dataDir` serves it. */
async function servedText(dataDir: string, env: Record<string, string> = {}): Promise<string> {
  const port = await freePort();
  const server = await ServerProcess.start(port, dataDir, env);
  const client = new TandemClient({ url: `http://127.0.0.1:${port}` });
  try {
    const session = client.open('ledger');
    await session.whenSynced();
    return session.doc.getText('t').toString();
  } finally {
    client.destroy();
    await server.kill();
  }
}

beforeAll(async () => {
  assertFreshBuild();
  crashedDir = tempDir();
  const port = await freePort();
  const server = await ServerProcess.start(port, crashedDir);
  const client = new TandemClient({ url: `http://127.0.0.1:${port}` });
  const session = client.open('ledger');
  await session.whenSynced();
  for (const word of TEXT.split(/(?<= )/)) {
    session.doc.getText('t').insert(session.doc.getText('t').length, word);
    await session.whenSaved();
  }
  client.destroy();
  await server.kill();
}, 30_000);

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('a write-ahead log that lost committed changes', () => {
  it('is found intact after a SIGKILL, and the server starts with everything', async () => {
    const { dir, wal } = copyOfCrash();
    expect(fs.statSync(wal).size, 'the kill left committed frames in the log').toBeGreaterThan(32);
    expect(checkWriteAheadLog(path.join(dir, 'tandem.db'))).toBeNull();
    expect(await servedText(dir)).toBe(TEXT);
  });

  it('refuses to start when the log is deleted, saying what is wrong and what to do', async () => {
    const { dir, wal } = copyOfCrash();
    fs.rmSync(wal);
    const { code, output } = await ServerProcess.refusal(dir);
    expect(code).toBe(74);
    expect(output).toMatch(
      /tandem\.db-shm records \d+ frames of committed changes in tandem\.db-wal \(\d+ of them not yet copied into tandem\.db\), but tandem\.db-wal is missing\. Starting now would silently lose those changes/,
    );
    expect(output).toMatch(/Put tandem\.db-wal back/);
    expect(output).toMatch(/ACCEPT_WAL_LOSS=1/);
  });

  it('refuses to start when the log is cut short', async () => {
    const { dir, wal } = copyOfCrash();
    fs.truncateSync(wal, Math.floor(fs.statSync(wal).size / 2));
    const { code, output } = await ServerProcess.refusal(dir);
    expect(code).toBe(74);
    expect(output).toMatch(/but tandem\.db-wal is cut short and holds only \d+ of them/);
  });

  it('refuses to start when a byte of a committed frame is flipped', async () => {
    const { dir, wal } = copyOfCrash();
    const bytes = fs.readFileSync(wal);
    // The first frame's page, past the log's 32-byte header and the frame's 24-byte header.
    bytes[32 + 24 + 200]! ^= 0x01;
    fs.writeFileSync(wal, bytes);
    const { code, output } = await ServerProcess.refusal(dir);
    expect(code).toBe(74);
    expect(output).toMatch(/but frame 1 of tandem\.db-wal is damaged \(its checksum fails\)/);
  });

  it('starts with ACCEPT_WAL_LOSS=1, and then the changes are gone, as SQLite alone would have done silently', async () => {
    const { dir, wal } = copyOfCrash();
    fs.rmSync(wal);
    expect(await servedText(dir, { ACCEPT_WAL_LOSS: '1' })).toBe('');
  });
});
