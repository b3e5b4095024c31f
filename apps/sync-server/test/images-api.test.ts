import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Role } from '@tandem/crdt-bridge';
import { CONTENT_FRAGMENT } from '@tandem/crdt-bridge/schema';
import { issueToken } from '../src/auth/tokens.js';
import { startTestServer, type TestServer } from './helpers.js';
import { GIF_1x1, JPEG_3x2, PNG_3x2, joined } from './imageFixtures.js';

const SECRET = 'test-secret-test-secret-test-secret-0123';
let ts: TestServer;
afterEach(async () => ts?.stop({ wipe: true }));

function token(name: string, roles: Record<string, Role>): Promise<string> {
  return issueToken(SECRET, { id: name.toLowerCase(), name, roles }, 3600);
}

async function api(path: string, tok?: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${ts.url}${path}`, {
    ...init,
    headers: { ...(tok ? { authorization: `Bearer ${tok}` } : {}), ...(init.headers as Record<string, string>) },
  });
}

function upload(docId: string, bytes: Uint8Array, tok?: string, type = 'image/png'): Promise<Response> {
  return api(`/api/docs/${docId}/images`, tok, {
    method: 'POST',
    body: Buffer.from(bytes),
    headers: { 'content-type': type },
  });
}

async function newDoc(id: string, tok?: string): Promise<void> {
  const res = await api('/api/docs', tok, { method: 'POST', body: JSON.stringify({ id }) });
  expect(res.status).toBe(201);
}

describe('image uploads (open mode)', () => {
  it('stores an image once by the hash of its bytes and serves it with its real type', async () => {
    ts = await startTestServer();
    await newDoc('pics');
    const first = await upload('pics', PNG_3x2, undefined, 'image/jpeg');
    expect(first.status).toBe(201);
    const body = (await first.json()) as { id: string; url: string };
    expect(body.id).toMatch(/^[0-9a-f]{64}$/);
    expect(body.url).toBe(`/api/docs/pics/images/${body.id}`);
    const again = (await (await upload('pics', PNG_3x2)).json()) as { id: string };
    expect(again.id).toBe(body.id);
    await newDoc('other');
    expect((await upload('other', PNG_3x2)).status).toBe(201);
    expect(await ts.server.store.images!.count()).toBe(1);

    const got = await api(body.url);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    expect(got.headers.get('content-security-policy')).toBe("default-src 'none'");
    expect(got.headers.get('etag')).toBe(`"${body.id}"`);
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(PNG_3x2);
    const cached = await api(body.url, undefined, { headers: { 'if-none-match': `"${body.id}"` } });
    expect(cached.status).toBe(304);
  });

  it('decides the type by the bytes: an SVG or a page calling itself a PNG is refused with 415', async () => {
    ts = await startTestServer();
    await newDoc('pics');
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    for (const bytes of [svg, joined('GIF89a', '<script>alert(1)</script>')]) {
      const res = await upload('pics', bytes, undefined, 'image/png');
      expect(res.status).toBe(415);
      expect(((await res.json()) as { error: { code: string; message: string } }).error).toEqual({
        code: 'UNSUPPORTED_IMAGE',
        message: 'Only PNG, JPEG, GIF and WebP images can be added.',
      });
    }
    const jpeg = (await (await upload('pics', JPEG_3x2, undefined, 'image/png')).json()) as { url: string };
    expect((await api(jpeg.url)).headers.get('content-type')).toBe('image/jpeg');
    expect(await ts.server.store.images!.count()).toBe(1);
  });

  it('serves an image only from a document it was uploaded to, and 404s unknown documents', async () => {
    ts = await startTestServer();
    await newDoc('mine');
    await newDoc('yours');
    const { id } = (await (await upload('mine', GIF_1x1)).json()) as { id: string };
    expect((await api(`/api/docs/yours/images/${id}`)).status).toBe(404);
    expect((await api(`/api/docs/mine/images/${'0'.repeat(64)}`)).status).toBe(404);
    expect((await api(`/api/docs/mine/images/not-an-id`)).status).toBe(404);
    expect((await upload('nowhere', GIF_1x1)).status).toBe(404);
  });

  it('refuses an image over MAX_IMAGE_BYTES with 413 before reading all of it', async () => {
    ts = await startTestServer({ maxImageBytes: 2048 });
    await newDoc('pics');
    const announced = await upload('pics', new Uint8Array(4096));
    expect(announced.status).toBe(413);
    expect(((await announced.json()) as { error: { code: string } }).error.code).toBe('IMAGE_TOO_LARGE');
    // A chunked body that has not ended: the answer comes once the cap is passed.
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${ts.url}/api/docs/pics/images`, { method: 'POST' }, (res) => resolve(res.statusCode!));
      req.on('error', reject);
      req.write(new Uint8Array(3000));
    });
    expect(status).toBe(413);
    expect(await ts.server.store.images!.count()).toBe(0);
  });

  it('refuses uploads past the hourly allowance per person with 429 saying when to try again', async () => {
    ts = await startTestServer({ imagesPerHour: 60, imagesBurst: 2 });
    await newDoc('many');
    expect((await upload('many', PNG_3x2)).status).toBe(201);
    expect((await upload('many', GIF_1x1, undefined, 'image/gif')).status).toBe(201);
    const refused = await upload('many', JPEG_3x2, undefined, 'image/jpeg');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({ code: 'RATE_LIMITED' });
    expect(body.error.message).toBe('You have added many images recently. You can add another in 1 minute.');
    expect(await ts.server.store.images!.count()).toBe(2);
  });
});

describe('image uploads (token mode)', () => {
  it('needs an editor to upload and a viewer to read, with the token in the Authorization header', async () => {
    ts = await startTestServer({ authSecret: SECRET });
    const editor = await token('Ana', { pics: 'editor' });
    const viewer = await token('Vic', { pics: 'viewer' });
    const stranger = await token('Sam', { elsewhere: 'owner' });
    await newDoc('pics', await token('Olga', { pics: 'owner' }));
    expect((await upload('pics', PNG_3x2)).status).toBe(401);
    expect((await upload('pics', PNG_3x2, viewer)).status).toBe(403);
    const res = await upload('pics', PNG_3x2, editor);
    expect(res.status).toBe(201);
    const { url } = (await res.json()) as { url: string };
    expect((await api(url, viewer)).status).toBe(200);
    expect((await api(url)).status).toBe(401);
    expect((await api(url, stranger)).status).toBe(403);
  });
});

describe('images in Markdown import and export', () => {
  it('stores embedded images, keeps remote ones as links (counted, never fetched), and exports them back', async () => {
    ts = await startTestServer();
    const png = Buffer.from(PNG_3x2).toString('base64');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>').toString('base64');
    const markdown = [
      '# Trip',
      `![A sun](data:image/png;base64,${png})`,
      '![chart](https://example.com/chart.png)',
      `![fake](data:image/png;base64,${svg})`,
    ].join('\n\n');
    const res = await api('/api/docs/import', undefined, { method: 'POST', body: markdown });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; kept: { remoteImagesKeptAsLinks?: number } };
    expect(body.kept.remoteImagesKeptAsLinks).toBe(1);
    expect(await ts.server.store.images!.count()).toBe(1);
    const exported = await (await api(`/api/docs/${body.id}/export?format=markdown`)).text();
    const match = /!\[A sun\]\(<(\/api\/docs\/[^>]+\/images\/[0-9a-f]{64})>\)/.exec(exported);
    expect(match).not.toBeNull();
    expect(exported).toContain('[chart](https://example.com/chart.png)');
    expect(exported).not.toContain('data:');
    expect(new Uint8Array(await (await api(match![1]!)).arrayBuffer())).toEqual(PNG_3x2);
  });
});

describe('images in copies of versions', () => {
  it('a copy of a version shows the original’s images', async () => {
    ts = await startTestServer();
    await newDoc('source');
    const { id } = (await (await upload('source', PNG_3x2)).json()) as { id: string };
    const session = ts.client().open('source');
    await session.whenSynced();
    const image = new Y.XmlElement('image');
    image.setAttribute('id', id);
    session.doc.getXmlFragment(CONTENT_FRAGMENT).insert(0, [image]);
    await session.whenSaved();
    const version = (await (
      await api('/api/docs/source/versions', undefined, { method: 'POST', body: JSON.stringify({ name: 'v' }) })
    ).json()) as { id: number };
    const copy = await api(`/api/docs/source/versions/${version.id}/copy`, undefined, { method: 'POST' });
    expect(copy.status).toBe(201);
    const copyId = ((await copy.json()) as { id: string }).id;
    expect((await api(`/api/docs/${copyId}/images/${id}`)).status).toBe(200);
  });
});
