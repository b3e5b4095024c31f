import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { AccessTokens } from '../src/auth/AccessTokens.js';
import { verifyToken } from '../src/auth/tokens.js';
import { SqliteStore } from '../src/storage/SqliteStore.js';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/cli/token.js');
const SECRET = 'cli-secret-cli-secret-cli-secret-cli-0001';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-token-cli-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [CLI, ...args], {
    env: { ...process.env, TANDEM_AUTH_SECRET: SECRET, PUBLIC_URL: 'https://docs.example', DATA_DIR: dataDir, ...env },
    encoding: 'utf8',
  });
}

describe('npm run token', () => {
  it('prints a token the server accepts and a link that carries it in the fragment', async () => {
    expect(fs.existsSync(CLI), 'build the server first (npm run build)').toBe(true);
    const result = run(['--doc', 'plan', '--role', 'viewer', '--name', 'Ana Lima', '--ttl', '2h']);
    expect(result.status).toBe(0);
    const link = /https:\/\/docs\.example\/auth#token=([^&\s]+)&doc=plan/.exec(result.stdout);
    expect(link).not.toBeNull();
    const token = decodeURIComponent(link![1]!);
    const { user, expiresAt, linkId } = await verifyToken(SECRET, token);
    expect(user).toEqual({ id: 'ana-lima', name: 'Ana Lima', roles: { plan: 'viewer' } });
    expect(expiresAt - Date.now()).toBeGreaterThan(2 * 3600_000 - 60_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(2 * 3600_000);

    // The same kind of link as the Share dialog's: stored with the server's data, listed for the document, revocable.
    const store = new SqliteStore(path.join(dataDir, 'tandem.db'));
    try {
      const listed = await store.links.activeFor('plan', Date.now());
      expect(listed.map((l) => [l.id, l.role, l.name])).toEqual([[linkId, 'viewer', 'Ana Lima']]);
      const tokens = new AccessTokens(SECRET, store.links);
      await tokens.verify(token);
      await tokens.revoke(linkId!);
      await expect(tokens.verify(token)).rejects.toThrow(/withdrawn/);
    } finally {
      await store.close();
    }
  });

  it('makes commenter tokens', async () => {
    const result = run(['--doc', 'review', '--role', 'commenter', '--name', 'Carl', '--id', 'carl']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/\(commenter on review\)/);
    const token = decodeURIComponent(/#token=([^&\s]+)/.exec(result.stdout)![1]!);
    expect((await verifyToken(SECRET, token)).user).toEqual({
      id: 'carl',
      name: 'Carl',
      roles: { review: 'commenter' },
    });
  });

  it('refuses bad arguments and a missing secret with a clear message', () => {
    const badRole = run(['--doc', 'plan', '--role', 'admin', '--name', 'Ana']);
    expect(badRole.status).toBe(64);
    expect(badRole.stderr).toMatch(/usage/);
    expect(badRole.stderr).toMatch(/viewer\|commenter\|editor\|owner/);
    const noSecret = run(['--doc', 'plan', '--role', 'editor', '--name', 'Ana'], { TANDEM_AUTH_SECRET: '' });
    expect(noSecret.status).toBe(78);
    expect(noSecret.stderr).toMatch(/TANDEM_AUTH_SECRET/);
  });
});
