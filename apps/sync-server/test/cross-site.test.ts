import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { WIRE_PARSER } from '@tandem/crdt-bridge';
import { loadConfig } from '../src/config.js';
import { accepted, startTestServer, type TestServer } from './helpers.js';

let ts: TestServer;
afterEach(async () => ts?.stop({ wipe: true }));

/** A raw HTTP request with exactly these headers (fetch will not let a test set Host). */
function request(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: ts.port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: text, type: String(res.headers['content-type']) }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Whether a socket handshake with these headers gets through. */
function socketConnects(headers: Record<string, string>): Promise<boolean> {
  const socket = connect(ts.url, {
    transports: ['websocket'],
    parser: WIRE_PARSER,
    forceNew: true,
    reconnection: false,
    extraHeaders: headers,
  });
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.close();
      resolve(true);
    });
    socket.once('connect_error', () => {
      socket.close();
      resolve(false);
    });
  });
}

async function documentIds(): Promise<string[]> {
  return (await ts.server.store.listPage({ limit: 200, access: { all: true } })).map((d) => d.id);
}

describe('the Host a request names (DNS rebinding)', () => {
  it('answers IP literals, localhost and its subdomains, PUBLIC_URL’s host and ALLOWED_HOSTS', async () => {
    ts = await startTestServer({
      publicUrl: 'https://docs.example.com',
      allowedHosts: ['tandem.internal', '.team.example'],
    });
    for (const host of [
      `127.0.0.1:${ts.port}`,
      `[::1]:${ts.port}`,
      'localhost:3000',
      'LOCALHOST',
      'app.localhost:5173',
      'docs.example.com',
      'docs.example.com.',
      'tandem.internal:8080',
      'team.example',
      'a.team.example',
    ]) {
      expect((await request('GET', '/api/docs', { host })).status, host).toBe(200);
    }
  });

  it('refuses any other name, on every route, naming ALLOWED_HOSTS', async () => {
    ts = await startTestServer({ publicUrl: 'https://docs.example.com', allowedHosts: ['.team.example'] });
    for (const [method, path, host] of [
      ['GET', '/api/docs', 'attacker.example'],
      ['GET', '/healthz', 'attacker.example:3000'],
      ['POST', '/api/docs', 'docs.example.com.attacker.example'],
      ['GET', '/', 'evilteam.example'],
      ['GET', '/api/docs', 'localhost.attacker.example'],
    ] as const) {
      const res = await request(method, path, { host });
      expect(res.status, host).toBe(403);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'HOST_NOT_ALLOWED' } });
      expect(res.body).toMatch(/ALLOWED_HOSTS/);
    }
    expect(await documentIds()).toEqual([]);
  });

  it('tells a person in a browser in a plain sentence', async () => {
    ts = await startTestServer();
    const res = await request('GET', '/d/notes', { host: 'rebound.example', accept: 'text/html,*/*' });
    expect(res.status).toBe(403);
    expect(res.type).toContain('text/plain');
    expect(res.body).toMatch(/^This server does not answer to the name "rebound.example"/);
  });

  it('allows any name when ALLOWED_HOSTS is *', async () => {
    ts = await startTestServer({ allowedHosts: ['*'] });
    expect((await request('GET', '/api/docs', { host: 'anything.example' })).status).toBe(200);
  });

  it('refuses a socket handshake under a foreign name, even with a matching Origin', async () => {
    ts = await startTestServer();
    expect(await socketConnects({ origin: `http://127.0.0.1:${ts.port}` })).toBe(true);
    // What a DNS-rebinding page sends: its own name as both Host and Origin.
    expect(await socketConnects({ host: 'rebind.example', origin: 'http://rebind.example' })).toBe(false);
  });
});

describe('state-changing requests from other sites (open mode)', () => {
  it('refuses a restore and a document creation sent the way a page elsewhere can send them', async () => {
    ts = await startTestServer();
    const session = ts.client().open('target');
    await session.whenSynced();
    session.doc.getText('t').insert(0, 'before');
    await session.whenSaved();
    const version = accepted(await ts.server.history.nameCurrent('target', 'v1'));
    session.doc.getText('t').insert(6, ' and after');
    await session.whenSaved();

    const attacks: Record<string, string>[] = [
      // fetch(url, { method: 'POST', mode: 'no-cors', body }) from another site.
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' },
      // An older browser without Fetch metadata still sends Origin.
      { origin: 'https://evil.example', 'content-type': 'text/plain' },
      // A page on a sibling port of the same host is same-site but another origin.
      { origin: `http://127.0.0.1:${ts.port + 1}`, 'sec-fetch-site': 'same-site' },
      // Same host, other scheme: another origin.
      { origin: `https://127.0.0.1:${ts.port}` },
      // A sandboxed frame.
      { origin: 'null', 'sec-fetch-site': 'cross-site' },
      // Fetch metadata alone.
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of attacks) {
      const label = JSON.stringify(headers);
      const restore = await request('POST', `/api/docs/target/versions/${version.id}/restore`, headers, '{}');
      expect(restore.status, label).toBe(403);
      expect(JSON.parse(restore.body), label).toMatchObject({ error: { code: 'CROSS_SITE_REQUEST' } });
      expect((await request('POST', '/api/docs', headers, '{"id":"planted"}')).status, label).toBe(403);
      expect((await request('DELETE', '/api/docs/target', headers)).status, label).toBe(403);
      expect((await request('PATCH', '/api/docs/target', headers, '{"title":"pwned"}')).status, label).toBe(403);
    }
    expect(ts.server.registry.get('target')!.content().getText('t').toString()).toBe('before and after');
    expect(await documentIds()).toEqual(['target']);
    expect(accepted(await ts.server.history.list('target')).versions.map((v) => v.kind)).not.toContain('restore-point');
  });

  it('accepts the same requests from its own pages, from PUBLIC_URL, and from tools that send no Origin', async () => {
    ts = await startTestServer({ publicUrl: 'https://docs.example.com' });
    const own = { origin: `http://127.0.0.1:${ts.port}`, 'sec-fetch-site': 'same-origin' };
    expect((await request('POST', '/api/docs', own, '{"id":"mine"}')).status).toBe(201);
    // Behind a TLS proxy the connection is plain HTTP, but the page's origin is PUBLIC_URL's.
    const proxied = { host: 'docs.example.com', origin: 'https://docs.example.com', 'sec-fetch-site': 'same-origin' };
    expect((await request('POST', '/api/docs', proxied, '{"id":"proxied"}')).status).toBe(201);
    expect((await request('POST', '/api/docs', {}, '{"id":"curl"}')).status).toBe(201);
    // A user typing an address, or following a bookmark.
    expect((await request('POST', '/api/docs', { 'sec-fetch-site': 'none' }, '{"id":"typed"}')).status).toBe(201);
    // Reading stays open to any page (it cannot see the answer without CORS anyway).
    expect((await request('GET', '/api/docs', { origin: 'https://evil.example' })).status).toBe(200);
    expect((await documentIds()).sort()).toEqual(['curl', 'mine', 'proxied', 'typed']);
  });

  it('accepts a same-site origin listed in ALLOWED_ORIGINS, but never a cross-site one', async () => {
    ts = await startTestServer({ allowedOrigins: ['http://127.0.0.1:5173', 'https://partner.example'] });
    const dev = { origin: 'http://127.0.0.1:5173', 'sec-fetch-site': 'same-site' };
    expect((await request('POST', '/api/docs', dev, '{"id":"dev"}')).status).toBe(201);
    const partner = { origin: 'https://partner.example', 'sec-fetch-site': 'cross-site' };
    expect((await request('POST', '/api/docs', partner, '{"id":"partner"}')).status).toBe(403);
    // Sockets have no cross-site notion of their own: the allow-list decides.
    expect(await socketConnects({ origin: 'https://partner.example' })).toBe(true);
  });

  it('compares origins with their scheme on sockets too', async () => {
    ts = await startTestServer();
    expect(await socketConnects({ origin: `http://127.0.0.1:${ts.port}` })).toBe(true);
    expect(await socketConnects({ origin: `https://127.0.0.1:${ts.port}` })).toBe(false);
    expect(await socketConnects({ origin: 'null' })).toBe(false);
  });
});

describe('site settings', () => {
  it('refuses ALLOWED_ORIGINS and ALLOWED_HOSTS entries that could never match, naming the variable', () => {
    expect(() => loadConfig({ ALLOWED_ORIGINS: 'localhost:5173' })).toThrow(/ALLOWED_ORIGINS/);
    expect(() => loadConfig({ ALLOWED_ORIGINS: 'https://docs.example.com/app' })).toThrow(/ALLOWED_ORIGINS/);
    expect(() => loadConfig({ ALLOWED_HOSTS: 'https://docs.example.com' })).toThrow(/ALLOWED_HOSTS/);
    expect(() => loadConfig({ ALLOWED_HOSTS: 'docs.example.com:443' })).toThrow(/ALLOWED_HOSTS/);
    expect(() => loadConfig({ PUBLIC_URL: 'docs.example.com' })).toThrow(/PUBLIC_URL/);
    const config = loadConfig({
      ALLOWED_ORIGINS: 'HTTPS://Docs.Example.com:443, http://localhost:5173/',
      ALLOWED_HOSTS: 'Docs.Example.com., .team.example, *',
    });
    expect(config.allowedOrigins).toEqual(['https://docs.example.com', 'http://localhost:5173']);
    expect(config.allowedHosts).toEqual(['docs.example.com', '.team.example', '*']);
  });
});
