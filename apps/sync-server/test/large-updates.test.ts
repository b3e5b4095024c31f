import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT, ErrorCode, PROTOCOL_VERSION, encodeUpdate, type AckResult } from '@tandem/crdt-bridge';
import { stateFingerprint } from '@tandem/crdt-bridge/testing';
import { LARGE_UPDATE_BYTES } from '../src/rooms/largeUpdate.js';
import { readCommitted, startTestServer, waitFor, type TestServer } from './helpers.js';

let ts: TestServer;
afterEach(async () => ts?.stop({ wipe: true }));

/** Appends `count` paragraphs to the document's body in one transaction (one update). */
function paste(doc: Y.Doc, count: number, last?: () => Y.XmlElement): void {
  doc.transact(() => {
    const fragment = doc.getXmlFragment(CONTENT_FRAGMENT);
    const blocks = Array.from({ length: count }, (_, i) => {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(`Paragraph ${i} of a long pasted report.`)]);
      return p;
    });
    if (last) blocks.push(last());
    fragment.insert(fragment.length, blocks);
  });
}

/** A raw connection joined to `docId` that sends prepared update bytes. */
async function rawMember(docId: string): Promise<(update: Uint8Array) => Promise<AckResult>> {
  const socket = ts.rawSocket();
  const joined = (await socket.timeout(5_000).emitWithAck('join', { docId, protocol: PROTOCOL_VERSION })) as AckResult;
  expect(joined.ok).toBe(true);
  return async (update) => (await socket.timeout(30_000).emitWithAck('sync', docId, encodeUpdate(update))) as AckResult;
}

describe('a large update (a big paste)', () => {
  it('is applied in parts, relayed to everyone, stored, and acknowledged once stored', async () => {
    ts = await startTestServer();
    const ana = ts.client().open('big');
    const ben = ts.client().open('big');
    await Promise.all([ana.whenSynced(), ben.whenSynced()]);
    let transactions = 0;
    ts.server.registry.get('big')!.onChange(() => transactions++);
    paste(ana.doc, 5_000);
    expect(Y.encodeStateAsUpdate(ana.doc).byteLength).toBeGreaterThan(4 * LARGE_UPDATE_BYTES);
    // A keystroke right behind the paste, which builds on it: it must not overtake it.
    const first = ana.doc.getXmlFragment(CONTENT_FRAGMENT).get(0) as Y.XmlElement;
    (first.get(0) as Y.XmlText).insert(0, 'Edited: ');
    await ana.whenSaved();
    expect(ana.status.error).toBeNull();
    await waitFor(() => stateFingerprint(ben.doc) === stateFingerprint(ana.doc), 'Ben has the paste and the edit');
    expect(stateFingerprint(readCommitted(ts.dataDir, 'big'))).toBe(stateFingerprint(ana.doc));
    // The paste went in as several transactions (parts), the keystroke as one more.
    expect(transactions).toBeGreaterThan(3);
  });

  it('from two people at once, while a third types, converges everywhere and is stored', async () => {
    ts = await startTestServer();
    const [ana, ben, cleo] = [0, 1, 2].map(() => ts.client().open('together'));
    await Promise.all([ana!.whenSynced(), ben!.whenSynced(), cleo!.whenSynced()]);
    paste(ana!.doc, 3_000);
    paste(ben!.doc, 3_000);
    for (let i = 0; i < 50; i++) cleo!.doc.getText('t').insert(0, 'k');
    await Promise.all([ana!.whenSaved(), ben!.whenSaved(), cleo!.whenSaved()]);
    for (const session of [ana!, ben!, cleo!]) expect(session.status.error).toBeNull();
    const expected = () => stateFingerprint(ts.server.registry.get('together')!.content());
    await waitFor(
      () => [ana!, ben!, cleo!].every((session) => stateFingerprint(session.doc) === expected()),
      'everyone has everything',
    );
    expect(ana!.doc.getXmlFragment(CONTENT_FRAGMENT).length).toBe(6_000);
    expect(stateFingerprint(readCommitted(ts.dataDir, 'together'))).toBe(expected());
  });

  it('with a schema violation at its very end changes nothing, for anyone', async () => {
    ts = await startTestServer();
    const ana = ts.client().open('guarded-big');
    await ana.whenSynced();
    const send = await rawMember('guarded-big');
    const hostile = new Y.Doc();
    paste(hostile, 5_000, () => new Y.XmlElement('script'));
    const result = await send(Y.encodeStateAsUpdate(hostile));
    expect(result).toMatchObject({ ok: false, error: { code: ErrorCode.SchemaViolation } });
    expect(ts.server.registry.get('guarded-big')!.content().getXmlFragment(CONTENT_FRAGMENT).length).toBe(0);
    expect(ana.doc.getXmlFragment(CONTENT_FRAGMENT).length).toBe(0);
    expect(readCommitted(ts.dataDir, 'guarded-big').getXmlFragment(CONTENT_FRAGMENT).length).toBe(0);
  });

  it('that builds on changes the server does not have is refused whole, and the sender is asked to re-sync', async () => {
    ts = await startTestServer();
    const send = await rawMember('gap');
    const writer = new Y.Doc();
    paste(writer, 10);
    const unknown = Y.encodeStateVector(writer); // The server never sees these ten paragraphs.
    paste(writer, 5_000);
    const result = await send(Y.encodeStateAsUpdate(writer, unknown));
    expect(result).toMatchObject({ ok: false, error: { code: ErrorCode.MissingDependencies } });
    expect(ts.server.registry.get('gap')!.content().getXmlFragment(CONTENT_FRAGMENT).length).toBe(0);
  });

  it('that is not a V1 update is refused as malformed', async () => {
    ts = await startTestServer();
    const send = await rawMember('v2');
    const doc = new Y.Doc();
    paste(doc, 5_000);
    const result = await send(Y.encodeStateAsUpdateV2(doc));
    expect(result).toMatchObject({ ok: false, error: { code: ErrorCode.MalformedUpdate } });
  });
});
