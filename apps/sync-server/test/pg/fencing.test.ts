import { afterEach, describe, expect, it } from 'vitest';
import { PgStore } from '../../src/storage/postgres/PgStore.js';
import { committedDoc, startTestServer, text, waitFor, type TestServer } from '../helpers.js';
import { databaseFor } from './testDatabases.js';

let ts: TestServer | null = null;
let intruder: PgStore | null = null;

afterEach(async () => {
  await ts?.stop({ wipe: true });
  await intruder?.close();
  ts = null;
  intruder = null;
});

async function ownerOf(store: PgStore, docId: string): Promise<{ owner_node: string; owner_epoch: number }> {
  const { rows } = await store.pool.query<{ owner_node: string; owner_epoch: number }>(
    'SELECT owner_node, owner_epoch FROM documents WHERE id = $1',
    [docId],
  );
  return rows[0]!;
}

describe('a server that lost a document to another node', () => {
  it('stores nothing more of it, closes its clients’ connections, and they bring their changes back', async () => {
    ts = await startTestServer({ idleUnloadMs: 60_000 });
    const client = ts.client();
    const session = client.open('taken');
    await session.whenSynced();
    session.doc.getText('t').insert(0, 'before ');
    await session.whenSaved();
    const room = ts.server.registry.get('taken')!;

    // Another node claims the document, as a node does when it takes over a dead owner's documents.
    intruder = await PgStore.open(await databaseFor(ts.dataDir), { nodeId: 'other-node', poolSize: 2 });
    await intruder.load('taken', 'own');
    const claimed = await ownerOf(intruder, 'taken');
    expect(claimed.owner_node).toBe('other-node');

    let disconnects = 0;
    client.socket.on('disconnect', () => disconnects++);
    session.doc.getText('t').insert(7, 'after');

    // The write carrying the old epoch is refused, the room dropped and the client cut off…
    await waitFor(() => disconnects > 0, 'the client is disconnected', 10_000);
    expect(room.isDestroyed).toBe(true);
    // …it reconnects and rejoins; this node claims the document again and stores the change once.
    await session.whenSaved();
    expect(text(session)).toBe('before after');
    expect((await committedDoc(ts.dataDir, 'taken')).getText('t').toString()).toBe('before after');
    const reclaimed = await ownerOf(intruder, 'taken');
    expect(reclaimed.owner_node).toBe('test-node');
    expect(reclaimed.owner_epoch).toBeGreaterThan(claimed.owner_epoch);
    const { rows } = await intruder.pool.query<{ seq: number }>(
      'SELECT seq FROM updates WHERE doc_id = $1 ORDER BY seq',
      ['taken'],
    );
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
  });
});

describe('a node that stops running a document', () => {
  it('gives up its claim when the room unloads, and /healthz says which node it is and what it owns', async () => {
    ts = await startTestServer({ idleUnloadMs: 10 });
    const health = async (): Promise<{ node?: string; documentsOwned?: number }> =>
      (await fetch(`${ts!.url}/healthz`)).json() as Promise<{ node?: string; documentsOwned?: number }>;
    const client = ts.client();
    const session = client.open('released');
    await session.whenSynced();
    session.doc.getText('t').insert(0, 'kept');
    await session.whenSaved();
    expect(await health()).toMatchObject({ node: 'test-node', documentsOwned: 1 });

    intruder = await PgStore.open(await databaseFor(ts.dataDir), { nodeId: 'observer', poolSize: 1 });
    const owned = await ownerOf(intruder, 'released');
    expect(owned.owner_node).toBe('test-node');

    session.destroy();
    await waitFor(() => ts!.server.registry.get('released') === undefined, 'the room unloads');
    for (let tries = 0; (await ownerOf(intruder, 'released')).owner_node !== null; tries++) {
      if (tries > 200) throw new Error('the claim was never released');
      await new Promise((r) => setTimeout(r, 10));
    }
    expect((await ownerOf(intruder, 'released')).owner_epoch).toBe(owned.owner_epoch);
    expect(await health()).toMatchObject({ node: 'test-node', documentsOwned: 0 });
    expect((await committedDoc(ts.dataDir, 'released')).getText('t').toString()).toBe('kept');
  });
});
