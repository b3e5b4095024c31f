import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../storage/SqliteStore.js';
import { AccessTokens } from './AccessTokens.js';
import { verifyToken } from './tokens.js';

const SECRET = 'unit-secret-unit-secret-unit-secret-0001';
let store: SqliteStore | null = null;
afterEach(async () => {
  await store?.close();
  store = null;
});

describe('AccessTokens', () => {
  it('accepts a link’s token until the link expires (by the token and by the store), then refuses it in words', async () => {
    store = new SqliteStore(':memory:');
    let now = Date.UTC(2026, 0, 1);
    const tokens = new AccessTokens(SECRET, store.links, () => now);
    const { token } = await tokens.createLink({
      scope: 'plan',
      role: 'editor',
      name: 'Ana',
      createdBy: 'Olga',
      expiresAt: now + 60_000,
    });
    // Its token expires with it.
    await expect(tokens.verify(token)).rejects.toThrow(/expired/);
    now = Date.now();
    const fresh = await tokens.createLink({
      scope: 'plan',
      role: 'editor',
      name: '',
      createdBy: '',
      expiresAt: now + 60_000,
    });
    expect((await tokens.verify(fresh.token)).user).toMatchObject({ name: '', roles: { plan: 'editor' } });
    now += 61_000;
    await expect(tokens.verify(fresh.token)).rejects.toThrow(/withdrawn/);
    expect(await tokens.inactive([fresh.link.id, 'no-such-link'])).toEqual([fresh.link.id, 'no-such-link']);
  });

  it('gives the same token for the same link every time, naming the link', async () => {
    store = new SqliteStore(':memory:');
    const tokens = new AccessTokens(SECRET, store.links);
    const { link, token } = await tokens.createLink({
      scope: 'a-*',
      role: 'viewer',
      name: 'Team',
      createdBy: '',
      expiresAt: null,
    });
    expect(await tokens.tokenOf((await store.links.get(link.id))!)).toBe(token);
    const verified = await verifyToken(SECRET, token);
    expect(verified.linkId).toBe(link.id);
    expect(verified.user.roles).toEqual({ 'a-*': 'viewer' });
    // "Never" still needs an expiry in a JWT: years away.
    expect(verified.expiresAt - Date.now()).toBeGreaterThan(9 * 365 * 86_400_000);
  });

  it('revoking tells this node’s listeners at once and refuses the token from then on', async () => {
    store = new SqliteStore(':memory:');
    const tokens = new AccessTokens(SECRET, store.links);
    const { link, token } = await tokens.createLink({
      scope: 'plan',
      role: 'owner',
      name: 'O',
      createdBy: '',
      expiresAt: null,
    });
    await tokens.verify(token);
    const heard: string[] = [];
    tokens.onRevoked((id) => heard.push(id));
    expect(await tokens.revoke(link.id)).toBe(true);
    expect(heard).toEqual([link.id]);
    await expect(tokens.verify(token)).rejects.toThrow(/withdrawn/);
    expect(await tokens.revoke(link.id)).toBe(false);
  });
});
