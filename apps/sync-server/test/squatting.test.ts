import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import {
  ErrorCode,
  PROTOCOL_VERSION,
  encodeStep2FromUpdate,
  encodeUpdate,
  type AckResult,
  type DocError,
  type DocSession,
} from '@tandem/crdt-bridge';
import { stateFingerprint } from '@tandem/crdt-bridge/testing';
import { readCommitted, sqliteOf, startTestServer, text, updateRows, waitFor, type TestServer } from './helpers.js';

/**
 * Client id squatting: Yjs orders and deduplicates content by (client id, clock), so
 * whoever writes first under someone else's client id makes that person's next edits
 * collide with it — silently dropped by the server, and copies that never converge.
 * The server binds client ids to the session that uses them and refuses new content
 * under an id another live session owns.
 */

const DOC = 'squat';
let ts: TestServer | null = null;
afterEach(async () => {
  await ts?.stop({ wipe: true });
  ts = null;
});

async function joinRaw(socket: Socket, docId: string, sessionKey?: string): Promise<AckResult> {
  const request = { docId, protocol: PROTOCOL_VERSION, ...(sessionKey ? { sessionKey } : {}) };
  return (await socket.timeout(5_000).emitWithAck('join', request)) as AckResult;
}

async function sendSync(socket: Socket, message: Uint8Array): Promise<AckResult> {
  return (await socket.timeout(5_000).emitWithAck('sync', DOC, message)) as AckResult;
}

/** An update adding `content` under `clientId`, building on `base` (so it is not missing anything). */
function writeAs(clientId: number, base: Uint8Array, content: string): Uint8Array {
  const forged = new Y.Doc();
  Y.applyUpdate(forged, base);
  forged.clientID = clientId;
  const before = Y.encodeStateVector(forged);
  const t = forged.getText('t');
  t.insert(t.length, content);
  return Y.encodeStateAsUpdate(forged, before);
}

const wrap = { update: encodeUpdate, step2: encodeStep2FromUpdate } as const;

function serverDoc(): Y.Doc {
  return ts!.server.registry.get(DOC)!.content();
}

/** A victim, a bystander who watches, and a hostile raw client, all in the document. */
async function world(options: { victimPresence?: boolean } = {}) {
  const server = await startTestServer();
  ts = server;
  const victimClient = server.client();
  const victimDoc = new Y.Doc();
  const presence = options.victimPresence ? new awarenessProtocol.Awareness(victimDoc) : undefined;
  presence?.setLocalState({ user: { name: 'Victim', color: '#aa3355' } });
  const victim = victimClient.open(DOC, { doc: victimDoc, ...(presence ? { awareness: presence } : {}) });
  const bystander = server.client().open(DOC);
  await Promise.all([victim.whenSynced(), bystander.whenSynced()]);
  const hostile = server.rawSocket();
  expect(await joinRaw(hostile, DOC)).toMatchObject({ ok: true });
  const bystanderErrors: DocError[] = [];
  for (const session of [victim, bystander])
    session.on('status', (s) => {
      if (s.error) bystanderErrors.push(s.error);
    });
  return { server, victimClient, victim, bystander, hostile, bystanderErrors };
}

/** The victim's next edit is stored and reaches the bystander; everyone holds exactly the same. */
async function victimStillEdits(victim: DocSession, bystander: DocSession, word: string): Promise<void> {
  const t = victim.doc.getText('t');
  t.insert(t.length, word);
  await victim.whenSaved();
  await waitFor(() => text(bystander) === text(victim), 'the bystander has the victim’s edit');
  expect(text(victim).endsWith(word)).toBe(true);
  expect(stateFingerprint(serverDoc())).toBe(stateFingerprint(victim.doc));
  expect(stateFingerprint(bystander.doc)).toBe(stateFingerprint(victim.doc));
  await ts!.server.writes.durable();
  expect(stateFingerprint(readCommitted(ts!.dataDir, DOC))).toBe(stateFingerprint(victim.doc));
}

describe('writing under another live session’s Yjs client id', () => {
  it.each(['update', 'step2'] as const)(
    'is refused (sent as %s): nothing applied, stored or relayed; the victim’s later edits still apply',
    async (kind) => {
      const { victim, bystander, hostile, bystanderErrors } = await world();
      victim.doc.getText('t').insert(0, 'mine ');
      await victim.whenSaved();
      await waitFor(() => text(bystander) === 'mine ', 'the bystander has the first edit');
      await ts!.server.writes.durable();
      const rows = updateRows(sqliteOf(ts!.server), DOC);

      // The hostile client continues the victim's own clock: the victim's next edit would collide.
      const forged = writeAs(victim.doc.clientID, Y.encodeStateAsUpdate(victim.doc), 'not yours');
      const result = await sendSync(hostile, wrap[kind](forged));
      expect(result).toMatchObject({ ok: false, error: { code: ErrorCode.Forbidden, docId: DOC } });
      expect(result.ok === false && result.error.message).toMatch(/client id/);

      expect(text(serverDoc())).toBe('mine ');
      await ts!.server.writes.durable();
      expect(updateRows(sqliteOf(ts!.server), DOC)).toBe(rows);
      expect(text(bystander)).toBe('mine ');
      await victimStillEdits(victim, bystander, 'and still mine');
      expect(bystanderErrors).toEqual([]);
    },
  );

  it('is refused for an id seen in someone’s presence, before they have written anything', async () => {
    const { victimClient, victim, bystander, hostile } = await world({ victimPresence: true });
    // The victim has caught up (its step 2 is in), so everything under its id is its own.
    await waitFor(
      () =>
        [...ts!.server.registry.get(DOC)!.members.values()].some(
          (m) => m.key === `session:${victimClient.sessionKey}` && m.caughtUp,
        ),
      'the victim has caught up',
    );
    // Presence reveals the victim's client id to everyone in the document.
    const forged = writeAs(victim.doc.clientID, new Uint8Array([0, 0]), 'first!');
    expect(await sendSync(hostile, encodeUpdate(forged))).toMatchObject({
      ok: false,
      error: { code: ErrorCode.Forbidden },
    });
    expect(text(serverDoc())).toBe('');
    await victimStillEdits(victim, bystander, 'my first words');
  });

  it('stays refused after the victim reconnects (its session keeps its ids)', async () => {
    const { victimClient, victim, bystander, hostile } = await world();
    victim.doc.getText('t').insert(0, 'mine ');
    await victim.whenSaved();
    victimClient.reconnect();
    await waitFor(() => victim.status.connection === 'synced', 'the victim is back');
    const forged = writeAs(victim.doc.clientID, Y.encodeStateAsUpdate(victim.doc), 'not yours');
    expect(await sendSync(hostile, encodeUpdate(forged))).toMatchObject({
      ok: false,
      error: { code: ErrorCode.Forbidden },
    });
    await victimStillEdits(victim, bystander, 'still mine');
  });

  it('leaves the hostile client free to write under its own client id', async () => {
    const { victim, bystander, hostile } = await world();
    const own = writeAs(4242, Y.encodeStateAsUpdate(victim.doc), 'my own words');
    expect(await sendSync(hostile, encodeUpdate(own))).toMatchObject({ ok: true });
    expect(
      await sendSync(hostile, encodeUpdate(writeAs(4242, Y.encodeStateAsUpdate(serverDoc()), ' more'))),
    ).toMatchObject({ ok: true });
    await waitFor(() => text(bystander) === 'my own words more', 'the bystander has them');
    await victimStillEdits(victim, bystander, ' and mine');
  });
});

describe('content under client ids no live session owns, or that the server already has', () => {
  it('is accepted from anyone: how edits lost by a crashed server come back through the people who saw them', async () => {
    const server = await startTestServer();
    ts = server;
    // A is present (its presence is known) but its step 2 has not arrived yet, as right after a restart.
    const docA = new Y.Doc();
    docA.getText('t').insert(0, 'from A ');
    const a = server.rawSocket();
    const keyA = 'a-session-key-0123456789';
    expect(await joinRaw(a, DOC, keyA)).toMatchObject({ ok: true });
    const presenceA = new awarenessProtocol.Awareness(docA);
    presenceA.setLocalState({ user: { name: 'A', color: '#123456' } });
    a.emit('awareness', DOC, awarenessProtocol.encodeAwarenessUpdate(presenceA, [docA.clientID]));
    await waitFor(() => ts!.server.registry.get(DOC)!.encodeAllAwareness() !== null, 'A is present');

    // B had received A's edit before the crash and brings it back in its step 2, with its own.
    const docB = new Y.Doc();
    Y.applyUpdate(docB, Y.encodeStateAsUpdate(docA));
    docB.getText('t').insert(7, 'from B');
    const b = server.rawSocket();
    expect(await joinRaw(b, DOC, 'b-session-key-0123456789')).toMatchObject({ ok: true });
    expect(await sendSync(b, encodeStep2FromUpdate(Y.encodeStateAsUpdate(docB)))).toMatchObject({ ok: true });
    expect(text(serverDoc())).toBe('from A from B');

    // A's own step 2 then brings nothing new, and A goes on writing under its id (B's relay claimed nothing).
    expect(await sendSync(a, encodeStep2FromUpdate(Y.encodeStateAsUpdate(docA)))).toMatchObject({ ok: true });
    Y.applyUpdate(docA, Y.encodeStateAsUpdate(serverDoc()));
    const before = Y.encodeStateVector(docA);
    docA.getText('t').insert(0, 'A again: ');
    expect(await sendSync(a, encodeUpdate(Y.encodeStateAsUpdate(docA, before)))).toMatchObject({ ok: true });
    expect(text(serverDoc())).toBe('A again: from A from B');
    const hostile = server.rawSocket();
    expect(await joinRaw(hostile, DOC)).toMatchObject({ ok: true });
    const forged = writeAs(docA.clientID, Y.encodeStateAsUpdate(docA), 'squat');
    expect(await sendSync(hostile, encodeUpdate(forged))).toMatchObject({
      ok: false,
      error: { code: ErrorCode.Forbidden },
    });

    // Content the server already has is not new, whoever carries it: B's whole state again is fine.
    Y.applyUpdate(docB, Y.encodeStateAsUpdate(serverDoc()));
    docB.getText('t').insert(0, '> ');
    expect(await sendSync(b, encodeStep2FromUpdate(Y.encodeStateAsUpdate(docB)))).toMatchObject({ ok: true });
    expect(text(serverDoc())).toBe(text(docB));
  });

  it('is forwarded by the reference client as a step 2 when it comes from a local copy, claiming nothing', async () => {
    const { victim, bystander } = await world();
    // C wrote something the server never stored (it crashed); the victim's local copy has it.
    const docC = new Y.Doc();
    docC.getText('t').insert(0, 'from C');
    Y.applyUpdate(victim.doc, Y.encodeStateAsUpdate(docC), 'local copy');
    await victim.whenSaved();
    expect(text(serverDoc())).toBe('from C');
    // C comes back and goes on writing under its own id: the victim's forwarding did not take it.
    const c = ts!.rawSocket();
    expect(await joinRaw(c, DOC, 'c-session-key-0123456789')).toMatchObject({ ok: true });
    const before = Y.encodeStateVector(docC);
    docC.getText('t').insert(6, ', again');
    expect(await sendSync(c, encodeUpdate(Y.encodeStateAsUpdate(docC, before)))).toMatchObject({ ok: true });
    await waitFor(() => text(bystander) === 'from C, again', 'the bystander has C’s edits');
    await victimStillEdits(victim, bystander, '!');
  });

  it('is accepted under the id of someone who has left', async () => {
    const { victimClient, victim, bystander, hostile } = await world();
    victim.doc.getText('t').insert(0, 'gone ');
    await victim.whenSaved();
    const base = Y.encodeStateAsUpdate(victim.doc);
    const id = victim.doc.clientID;
    victimClient.destroy();
    await waitFor(() => ts!.server.registry.get(DOC)!.members.size === 2, 'the victim has left');
    // e.g. the victim's edits made offline, relayed later by someone who received them.
    expect(await sendSync(hostile, encodeStep2FromUpdate(writeAs(id, base, 'but not forgotten')))).toMatchObject({
      ok: true,
    });
    await waitFor(() => text(bystander) === 'gone but not forgotten', 'the bystander has it');
  });
});
