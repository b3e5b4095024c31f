import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { DocumentGone } from '../src/storage/VersionStore.js';
import { accepted, startTestServer, sqliteOf, type TestServer } from './helpers.js';
import { addParagraph, body, call, person, textOf, typeAtEnd, versionText } from './historyHelpers.js';

let ts: TestServer;
afterEach(async () => ts?.stop({ wipe: true }));

/** Rows of a table for one document. */
function rows(table: 'versions' | 'version_bases', docId: string): number {
  return sqliteOf(ts.server)
    .db.prepare<[string], { n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE doc_id = ?`)
    .get(docId)!.n;
}

/** A state of a document whose whole text is `kilobytes` KB of fresh random characters (incompressible). */
function rewrittenState(doc: Y.Doc, kilobytes: number): Uint8Array {
  const fragment = body(doc);
  doc.transact(() => {
    fragment.delete(0, fragment.length);
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText(randomBytes(kilobytes * 768).toString('base64'))]);
    fragment.push([paragraph]);
  });
  return Y.encodeStateAsUpdate(doc);
}

/** Stores a version directly, `minutesAgo` old. */
async function stored(
  docId: string,
  state: Uint8Array,
  minutesAgo: number,
  kind: 'auto' | 'named' | 'restore-point' = 'auto',
): Promise<number> {
  const version = await ts.server.store.versions!.addVersion({
    docId,
    kind,
    name: kind === 'named' ? `named ${minutesAgo}` : null,
    createdAt: Date.now() - minutesAgo * 60_000,
    authors: [],
    state,
  });
  return version.id;
}

describe('how versions are stored', () => {
  it('keeps a hundred named versions of a large document in less than twice the space of one', async () => {
    ts = await startTestServer();
    const ana = await person(ts, 'big', 'Ana');
    ana.doc.transact(() => {
      for (let i = 0; i < 3_000; i++) addParagraph(ana.doc, `Paragraph ${i} of the handbook, as the team wrote it.`);
    });
    await ana.session.whenSaved();
    const wholeState = Y.encodeStateAsUpdate(ana.doc).byteLength;

    const expected = new Map<number, string>();
    for (let i = 0; i < 100; i++) {
      if (i % 10 === 0) {
        typeAtEnd(ana.doc, i, ` (revised in round ${i})`);
        await ana.session.whenSaved();
      }
      const version = accepted(await ts.server.history.nameCurrent('big', `Round ${i}`));
      expected.set(version.id, textOf(ana.doc));
    }

    const historyBytes = await ts.server.store.versions!.historyBytes('big');
    expect(historyBytes).toBeLessThan(2 * wholeState);
    // Every version reads back exactly as it was named.
    for (const [id, text] of [...expected].filter((_, i) => i % 9 === 0))
      expect(await versionText(ts, 'big', id)).toBe(text);
  });

  it('stores a version from the room’s last encoding and the changes since, encoding nothing on the event loop', async () => {
    ts = await startTestServer();
    const ana = await person(ts, 'parts', 'Ana');
    addParagraph(ana.doc, 'Written before anyone else joined.');
    await ana.session.whenSaved();
    // A newcomer is sent the whole state: the room encodes it once and keeps that encoding.
    await person(ts, 'parts', 'Bo');
    const room = ts.server.registry.get('parts')!;
    const encodes = vi.spyOn(room, 'fullState');
    typeAtEnd(ana.doc, 0, ' And typed after.');
    await ana.session.whenSaved();
    const partsNow = room.encodedStateParts();
    expect(partsNow?.length).toBeGreaterThan(1);

    const version = accepted(await ts.server.history.nameCurrent('parts', 'from parts'));
    expect(encodes).not.toHaveBeenCalled();
    expect(room.encodedStateParts()).toEqual(partsNow);
    expect(await versionText(ts, 'parts', version.id)).toBe(textOf(ana.doc));
    expect(version.size).toBe(Y.mergeUpdates(partsNow!).byteLength);
  });

  it('deletes a shared base only with the last version that builds on it', async () => {
    ts = await startTestServer();
    await person(ts, 'shared', 'Ana');
    const doc = new Y.Doc();
    addParagraph(doc, 'First words.');
    for (let i = 0; i < 200; i++) addParagraph(doc, `Paragraph ${i}, long enough that a small edit is a small delta.`);
    const first = await stored('shared', Y.encodeStateAsUpdate(doc), 30);
    typeAtEnd(doc, 0, ' More.');
    const second = await stored('shared', Y.encodeStateAsUpdate(doc), 20);
    typeAtEnd(doc, 0, ' And more.');
    const third = await stored('shared', Y.encodeStateAsUpdate(doc), 10);
    expect(rows('version_bases', 'shared')).toBe(1);

    const versions = ts.server.store.versions!;
    expect(await versions.deleteThinnable('shared', [first])).toBe(1);
    expect(rows('version_bases', 'shared')).toBe(1);
    expect((await versionText(ts, 'shared', second)).split('\n')[0]).toBe('First words. More.');
    expect((await versionText(ts, 'shared', third)).split('\n')[0]).toBe('First words. More. And more.');
    await versions.deleteThinnable('shared', [second, third]);
    expect(rows('version_bases', 'shared')).toBe(0);
    expect(await versions.historyBytes('shared')).toBe(0);
  });

  it('reads versions stored whole and uncompressed, as Tandem stored them before', async () => {
    ts = await startTestServer();
    await person(ts, 'legacy', 'Ana');
    const doc = new Y.Doc();
    addParagraph(doc, 'Written by an older Tandem.');
    const { lastInsertRowid } = sqliteOf(ts.server)
      .db.prepare(
        "INSERT INTO versions (doc_id, kind, name, created_at, authors, size, state) VALUES ('legacy', 'named', 'Old', ?, '[]', ?, ?)",
      )
      .run(Date.now(), Y.encodeStateAsUpdate(doc).byteLength, Y.encodeStateAsUpdate(doc));
    expect(await versionText(ts, 'legacy', Number(lastInsertRowid))).toBe('Written by an older Tandem.');
  });

  it('is not stored for a document deleted while its last snapshot was being packed', async () => {
    ts = await startTestServer();
    const ana = await person(ts, 'deleted-meanwhile', 'Ana');
    const state = rewrittenState(ana.doc, 4);
    ana.client.destroy();
    expect((await call(ts, '/api/docs/deleted-meanwhile', { method: 'DELETE' })).status).toBe(200);
    expect((await call(ts, '/api/trash/deleted-meanwhile', { method: 'DELETE' })).status).toBe(204);
    await expect(stored('deleted-meanwhile', state, 0)).rejects.toBeInstanceOf(DocumentGone);
  });

  it('goes with its document', async () => {
    ts = await startTestServer();
    const ana = await person(ts, 'gone', 'Ana');
    await stored('gone', rewrittenState(ana.doc, 4), 5);
    ana.client.destroy();
    expect((await call(ts, '/api/docs/gone', { method: 'DELETE' })).status).toBe(200);
    expect(rows('versions', 'gone')).toBeGreaterThan(0);
    expect((await call(ts, '/api/trash/gone', { method: 'DELETE' })).status).toBe(204);
    expect(rows('versions', 'gone')).toBe(0);
    expect(rows('version_bases', 'gone')).toBe(0);
  });
});

describe('the history budget', () => {
  const BUDGET = 96 * 1024;

  it('thins the oldest automatic versions first, then old restore points, and never named ones', async () => {
    ts = await startTestServer({ historyMaxBytes: BUDGET });
    await person(ts, 'full', 'Ana');
    const doc = new Y.Doc();
    // Each state is 24 KB of fresh text (about 18 KB deflated), so each is stored whole: seven exceed the budget.
    const named = await stored('full', rewrittenState(doc, 24), 70, 'named');
    const autos = [];
    for (const minutes of [60, 50, 40]) autos.push(await stored('full', rewrittenState(doc, 24), minutes));
    const points = [];
    for (const minutes of [30, 20])
      points.push(await stored('full', rewrittenState(doc, 24), minutes, 'restore-point'));
    const newest = await stored('full', rewrittenState(doc, 24), 10);
    expect(await ts.server.store.versions!.historyBytes('full')).toBeGreaterThan(BUDGET);

    await ts.server.history.applyRetention('full');

    expect(await ts.server.store.versions!.historyBytes('full')).toBeLessThanOrEqual(BUDGET);
    const left = new Set((await ts.server.store.versions!.listVersions('full')).map((v) => v.id));
    expect(left.has(named)).toBe(true);
    expect(left.has(newest)).toBe(true);
    expect(left.has(points[1]!)).toBe(true); // The newest restore point undoes the last restore.
    expect(left.has(autos[0]!)).toBe(false); // The oldest automatic version went first.
    // What is gone went oldest first: no kept automatic version is older than a dropped one.
    const keptAutos = autos.filter((id) => left.has(id));
    const droppedAutos = autos.filter((id) => !left.has(id));
    expect(Math.min(...keptAutos, Infinity)).toBeGreaterThan(Math.max(...droppedAutos));
  });

  it('refuses a new named version, in words, when what is left is named', async () => {
    ts = await startTestServer({ historyMaxBytes: BUDGET });
    const ana = await person(ts, 'named-only', 'Ana');
    for (const minutes of [60, 50, 40, 30, 20, 10])
      await stored('named-only', rewrittenState(ana.doc, 24), minutes, 'named');
    const { status, body: answer } = await call<{ error: { code: string; message: string } }>(
      ts,
      '/api/docs/named-only/versions',
      { method: 'POST', body: { name: 'One more' } },
    );
    expect(status).toBe(507);
    expect(answer.error.code).toBe('HISTORY_FULL');
    expect(answer.error.message).toMatch(/history is full/i);
    expect((await ts.server.store.versions!.listVersions('named-only')).length).toBe(6);
  });
});
