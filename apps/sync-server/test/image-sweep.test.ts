import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from '@tandem/crdt-bridge/schema';
import { startTestServer, type TestServer } from './helpers.js';
import { GIF_1x1, JPEG_3x2, PNG_3x2 } from './imageFixtures.js';

let ts: TestServer;
afterEach(async () => ts?.stop({ wipe: true }));

const MONTH_LATER = () => Date.now() + 31 * 24 * 3_600_000;

async function upload(docId: string, bytes: Uint8Array): Promise<string> {
  const res = await fetch(`${ts.url}/api/docs/${docId}/images`, { method: 'POST', body: Buffer.from(bytes) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

function imageElement(id: string): Y.XmlElement {
  const image = new Y.XmlElement('image');
  image.setAttribute('id', id);
  return image;
}

async function served(docId: string, id: string): Promise<number> {
  return (await fetch(`${ts.url}/api/docs/${docId}/images/${id}`)).status;
}

describe('the image sweep (real SQLite; real PostgreSQL in the postgres project)', () => {
  it('keeps images the document or a version shows, and deletes the rest once past the grace period', async () => {
    ts = await startTestServer();
    await fetch(`${ts.url}/api/docs`, { method: 'POST', body: JSON.stringify({ id: 'album' }) });
    const shown = await upload('album', PNG_3x2);
    const onlyInVersion = await upload('album', JPEG_3x2);
    const neverUsed = await upload('album', GIF_1x1);
    const session = ts.client().open('album');
    await session.whenSynced();
    const body = session.doc.getXmlFragment(CONTENT_FRAGMENT);
    body.insert(0, [imageElement(shown), imageElement(onlyInVersion)]);
    await session.whenSaved();
    const version = await fetch(`${ts.url}/api/docs/album/versions`, {
      method: 'POST',
      body: JSON.stringify({ name: 'With both' }),
    });
    expect(version.status).toBe(201);
    body.delete(1, 1);
    await session.whenSaved();

    // Within the grace period nothing goes, used or not.
    expect(await ts.server.imageSweep.sweep(Date.now())).toBe(0);
    expect(await ts.server.store.images!.count()).toBe(3);

    expect(await ts.server.imageSweep.sweep(MONTH_LATER())).toBe(1);
    expect(await served('album', shown)).toBe(200);
    expect(await served('album', onlyInVersion)).toBe(200);
    expect(await served('album', neverUsed)).toBe(404);
    expect(await ts.server.store.images!.count()).toBe(2);
  });

  it('deletes the images of a document deleted for good', async () => {
    ts = await startTestServer();
    await fetch(`${ts.url}/api/docs`, { method: 'POST', body: JSON.stringify({ id: 'gone' }) });
    const id = await upload('gone', PNG_3x2);
    const session = ts.client().open('gone');
    await session.whenSynced();
    session.doc.getXmlFragment(CONTENT_FRAGMENT).insert(0, [imageElement(id)]);
    await session.whenSaved();
    session.destroy();
    expect(await ts.server.documents.deleteForever('gone')).toBe(true);
    expect(await ts.server.imageSweep.sweep(MONTH_LATER())).toBe(1);
    expect(await ts.server.store.images!.count()).toBe(0);
  });
});
