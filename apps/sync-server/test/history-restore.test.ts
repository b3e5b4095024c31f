import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { docFromY } from '@tandem/crdt-bridge';
import { createRandom } from '@tandem/crdt-bridge/testing';
import { UPDATE_PART_STRUCTS } from '../src/rooms/largeUpdate.js';
import { committedDoc, logRows, startTestServer, waitFor, type TestServer } from './helpers.js';
import {
  addParagraph,
  body,
  call,
  listVersions,
  nameVersion,
  paragraphText,
  person,
  textOf,
  typeAtEnd,
  versionText,
  type Person,
  type VersionJson,
} from './historyHelpers.js';

let ts: TestServer;
afterEach(async () => ts?.stop({ wipe: true }));

interface RestoreJson {
  restored: VersionJson;
  restorePoint: VersionJson;
  changed: boolean;
  update: string | null;
}

async function restore(docId: string, id: number, body: Record<string, unknown> = {}): Promise<RestoreJson> {
  const res = await call<RestoreJson>(ts, `/api/docs/${docId}/versions/${id}/restore`, { method: 'POST', body });
  if (res.status !== 200) throw new Error(`restore answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Waits until the document lists `count` versions (automatic snapshots come after a quiet spell). */
async function versionsReach(docId: string, count: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while ((await listVersions(ts, docId)).length < count) {
    if (Date.now() > deadline) throw new Error(`${docId} never listed ${count} versions`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The server's live copy of a document. */
function serverDoc(docId: string): Y.Doc {
  const room = ts.server.registry.get(docId);
  if (!room) throw new Error(`${docId} is not loaded`);
  return room.content();
}

describe('restoring a version', () => {
  it('reaches everyone connected at once as one ordinary change; their documents, undo and cursors carry on', async () => {
    ts = await startTestServer();
    const alice = await person(ts, 'live', 'Alice');
    const bob = await person(ts, 'live', 'Bob');
    const bobDoc = bob.doc;
    addParagraph(alice.doc, 'alpha');
    await alice.session.whenSaved();
    await waitFor(() => textOf(bob.doc) === 'alpha', 'bob has alpha');
    // Bob writes a paragraph of his own, tracked by his undo manager (local changes only).
    const bobUndo = new Y.UndoManager(body(bob.doc), { captureTimeout: 0 });
    addParagraph(bob.doc, 'notes');
    await bob.session.whenSaved();
    const v1 = await nameVersion(ts, 'live', 'v1');
    await waitFor(() => textOf(alice.doc) === 'alpha\nnotes', 'alice has notes');
    typeAtEnd(alice.doc, 0, ' beta');
    await alice.session.whenSaved();
    await waitFor(() => textOf(bob.doc) === 'alpha beta\nnotes', 'bob has beta');
    // Bob's caret sits after "notes".
    const caret = Y.createRelativePositionFromTypeIndex(paragraphText(bob.doc, 1), 5);
    let bobUpdates = 0;
    bob.doc.on('update', () => bobUpdates++);
    // The first heavy request starts the server's worker thread (seconds from TypeScript sources): not what is timed here.
    expect((await call(ts, `/api/docs/live/versions/${v1.id}`)).status).toBe(200);

    const started = Date.now();
    const result = await restore('live', v1.id, { by: 'Bob' });
    await waitFor(
      () => textOf(alice.doc) === 'alpha\nnotes' && textOf(bob.doc) === 'alpha\nnotes',
      'both see v1',
      1_000,
    );
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(result.changed).toBe(true);
    expect(result.restored).toMatchObject({ id: v1.id, pinned: true });
    expect(bobUpdates).toBe(1);
    expect(bob.doc).toBe(bobDoc);
    expect(Y.createAbsolutePositionFromRelativePosition(caret, bob.doc)?.index).toBe(5);
    // Bob's own edit can still be undone after the restore.
    bobUndo.undo();
    expect(textOf(bob.doc)).toBe('alpha');
    await bob.session.whenSaved();
    await waitFor(() => textOf(alice.doc) === 'alpha', 'alice sees bob’s undo');
  });

  it('puts back thousands of blocks a part at a time, none holding the event loop for more than one part', async () => {
    ts = await startTestServer();
    const alice = await person(ts, 'many', 'Alice');
    alice.doc.transact(() => {
      for (let i = 0; i < 3_000; i++) addParagraph(alice.doc, `paragraph ${i} of a long document, restored whole`);
    });
    await alice.session.whenSaved();
    const version = await nameVersion(ts, 'many', 'all of it');
    alice.doc.transact(() => body(alice.doc).delete(0, body(alice.doc).length));
    await alice.session.whenSaved();
    const live = serverDoc('many');
    const restoreChanges: number[] = [];
    live.on('update', (update: Uint8Array, origin: unknown) => {
      if ((origin as { reason?: string } | null)?.reason === 'restore')
        restoreChanges.push(Y.decodeUpdate(update).structs.length);
    });
    await restore('many', version.id);
    expect(restoreChanges.length).toBeGreaterThan(1);
    expect(Math.max(...restoreChanges)).toBeLessThanOrEqual(UPDATE_PART_STRUCTS);
    expect(textOf(live)).toBe(await versionText(ts, 'many', version.id));
    await waitFor(() => textOf(alice.doc) === textOf(live), 'alice has every part');
  });

  it('keeps the state before as a restore point, and restoring that undoes the restore', async () => {
    ts = await startTestServer();
    const alice = await person(ts, 'undoable', 'Alice');
    addParagraph(alice.doc, 'alpha');
    await alice.session.whenSaved();
    const v1 = await nameVersion(ts, 'undoable', 'v1');
    typeAtEnd(alice.doc, 0, ' beta');
    await alice.session.whenSaved();

    const { restorePoint } = await restore('undoable', v1.id);
    expect(restorePoint).toMatchObject({ kind: 'restore-point', restoreOf: v1.id, authors: ['Alice'] });
    expect(await versionText(ts, 'undoable', restorePoint.id)).toBe('alpha beta');
    await waitFor(() => textOf(alice.doc) === 'alpha', 'alice sees v1');
    const listed = await listVersions(ts, 'undoable');
    expect(listed.map((v) => [v.kind, v.name])).toEqual([
      ['restore-point', null],
      ['named', 'v1'],
    ]);

    const back = await restore('undoable', restorePoint.id);
    expect(back.changed).toBe(true);
    await waitFor(() => textOf(alice.doc) === 'alpha beta', 'beta is back');
    expect(back.restorePoint.restoreOf).toBe(restorePoint.id);
    expect(await versionText(ts, 'undoable', back.restorePoint.id)).toBe('alpha');
  });

  it('is then kept like any edit: a snapshot of the restored state, credited to whoever restored it and saying what it restored', async () => {
    ts = await startTestServer({ historyQuietMs: 200 });
    const alice = await person(ts, 'credited', 'Alice');
    addParagraph(alice.doc, 'alpha');
    await alice.session.whenSaved();
    const v1 = await nameVersion(ts, 'credited', 'v1');
    typeAtEnd(alice.doc, 0, ' beta');
    await alice.session.whenSaved();
    await versionsReach('credited', 2);

    const result = await restore('credited', v1.id, { by: 'Carol' });
    // A quiet spell may also have snapshotted "alpha" before v1 was named: look for the versions by what they are.
    let listed = await listVersions(ts, 'credited');
    for (const deadline = Date.now() + 5_000; listed[0]?.kind !== 'auto' || listed[0].id < result.restorePoint.id;) {
      if (Date.now() > deadline) throw new Error('no snapshot after the restore');
      await new Promise((resolve) => setTimeout(resolve, 50));
      listed = await listVersions(ts, 'credited');
    }
    const [latest, point, ...older] = listed;
    expect(point).toMatchObject({ kind: 'restore-point', restoreOf: v1.id });
    expect(latest).toMatchObject({ kind: 'auto', authors: ['Carol'], restoreOf: v1.id });
    expect(older.filter((v) => v.kind === 'auto').map((v) => v.restoreOf)).not.toContain(v1.id);
    // The restore answers with the update it applied, so the restorer's editor can undo it in one step.
    const scratch = new Y.Doc();
    Y.applyUpdate(scratch, Y.encodeStateAsUpdate(serverDoc('credited')));
    const vector = Y.encodeStateVector(scratch);
    Y.applyUpdate(scratch, Buffer.from(result.update!, 'base64'));
    expect(Y.encodeStateVector(scratch)).toEqual(vector);
    expect(await versionText(ts, 'credited', latest!.id)).toBe('alpha');

    // A rename changes no content: it takes no version of its own.
    expect((await call(ts, '/api/docs/credited', { method: 'PATCH', body: { title: 'Plans' } })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await listVersions(ts, 'credited')).toHaveLength(listed.length);
  });

  it('converges with edits in flight from several people, and stores nothing corrupt', async () => {
    ts = await startTestServer();
    const people: Person[] = [];
    for (const name of ['Alice', 'Bob', 'Carol']) people.push(await person(ts, 'busy', name));
    const [alice] = people as [Person, ...Person[]];
    addParagraph(alice.doc, 'one');
    addParagraph(alice.doc, 'two');
    addParagraph(alice.doc, 'three');
    await alice.session.whenSaved();
    const v1 = await nameVersion(ts, 'busy', 'v1');
    await waitFor(() => people.every((p) => textOf(p.doc) === 'one\ntwo\nthree'), 'everyone synced');

    const random = createRandom(7);
    let typing = true;
    const typists = people.map(async (p) => {
      while (typing) {
        const blocks = body(p.doc).length;
        if (blocks === 0 || random.chance(0.2)) addParagraph(p.doc, random.word(4));
        else {
          const text = paragraphText(p.doc, random.int(blocks));
          if (text.length > 0 && random.chance(0.3)) text.delete(random.int(text.length), 1);
          else text.insert(random.int(text.length + 1), random.word(3));
        }
        await new Promise((r) => setTimeout(r, random.int(8)));
      }
    });
    await new Promise((r) => setTimeout(r, 60));
    const restores = [await restore('busy', v1.id, { by: 'Alice' })];
    await new Promise((r) => setTimeout(r, 40));
    restores.push(await restore('busy', restores[0]!.restorePoint.id));
    await new Promise((r) => setTimeout(r, 40));
    typing = false;
    await Promise.all(typists);
    await Promise.all(people.map((p) => p.session.whenSaved()));

    const server = serverDoc('busy');
    await waitFor(() => people.every((p) => textOf(p.doc) === textOf(server)), 'everyone converges with the server');
    for (const p of people) expect(Y.encodeStateVector(p.doc)).toEqual(Y.encodeStateVector(server));
    // What is stored is what everyone has, and it still fits the schema.
    const stored = await committedDoc(ts.dataDir, 'busy');
    expect(textOf(stored)).toBe(textOf(server));
    expect(() => docFromY(stored).check()).not.toThrow();
    expect(() => docFromY(server).check()).not.toThrow();
    const points = (await listVersions(ts, 'busy')).filter((v) => v.kind === 'restore-point');
    expect(points).toHaveLength(2);
  });

  it('restores a version taken before the log was compacted, also after a restart', async () => {
    ts = await startTestServer({ compactRows: 5 });
    const alice = await person(ts, 'compacted', 'Alice');
    addParagraph(alice.doc, 'original text');
    await alice.session.whenSaved();
    const v1 = await nameVersion(ts, 'compacted', 'v1');
    paragraphText(alice.doc, 0).delete(0, 9);
    for (let i = 0; i < 30; i++) {
      typeAtEnd(alice.doc, 0, ` ${i}`);
      await alice.session.whenSaved();
    }
    // Compaction runs on a worker shared with other background work (search backfill): a loaded machine needs time.
    const deadline = Date.now() + 20_000;
    while ((await logRows(ts, 'compacted')) > 6) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the log to be compacted');
      await new Promise((r) => setTimeout(r, 20));
    }
    await restore('compacted', v1.id);
    await waitFor(() => textOf(alice.doc) === 'original text', 'alice sees the original');

    typeAtEnd(alice.doc, 0, ' again changed');
    await alice.session.whenSaved();
    const dataDir = ts.dataDir;
    await ts.stop();
    ts = await startTestServer({ compactRows: 5 }, { dataDir });
    await restore('compacted', v1.id);
    const reader = await person(ts, 'compacted', 'Reader');
    expect(textOf(reader.doc)).toBe('original text');
  });

  it('restores a document nobody has open, which the next visitor then sees', async () => {
    ts = await startTestServer({ idleUnloadMs: 10 });
    const alice = await person(ts, 'closed', 'Alice');
    addParagraph(alice.doc, 'first');
    await alice.session.whenSaved();
    const v1 = await nameVersion(ts, 'closed', 'v1');
    typeAtEnd(alice.doc, 0, ' and second');
    await alice.session.whenSaved();
    alice.session.destroy();
    await waitFor(() => ts.server.registry.get('closed') === undefined, 'the room unloads');
    await restore('closed', v1.id, { by: 'Alice' });
    const later = await person(ts, 'closed', 'Bob');
    expect(textOf(later.doc)).toBe('first');
  });
});

describe('restoring one block', () => {
  it('puts back one paragraph as it was, leaving everything else as it is now', async () => {
    ts = await startTestServer();
    const alice = await person(ts, 'partial', 'Alice');
    const bob = await person(ts, 'partial', 'Bob');
    addParagraph(alice.doc, 'intro');
    addParagraph(alice.doc, 'the careful wording');
    addParagraph(alice.doc, 'outro');
    await alice.session.whenSaved();
    const v1 = await nameVersion(ts, 'partial', 'v1');
    paragraphText(alice.doc, 1).delete(4, 8);
    typeAtEnd(alice.doc, 1, ', rewritten');
    typeAtEnd(alice.doc, 2, ' extended');
    typeAtEnd(alice.doc, 0, ' edited');
    await alice.session.whenSaved();

    const result = await restore('partial', v1.id, { block: 1, by: 'Bob' });
    expect(result.changed).toBe(true);
    expect(result.restorePoint.kind).toBe('restore-point');
    const expected = 'intro edited\nthe careful wording\noutro extended';
    await waitFor(() => textOf(alice.doc) === expected && textOf(bob.doc) === expected, 'both see the block restored');

    const again = await restore('partial', v1.id, { block: 1 });
    expect(again.changed).toBe(false);
  });
});
