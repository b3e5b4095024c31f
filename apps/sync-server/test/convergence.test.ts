import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import {
  AckLedger,
  TraceReplay,
  containsUpdate,
  createPeers,
  createRandom,
  goOffline,
  goOnline,
  isOnline,
  randomEdits,
  readConcurrentTrace,
  replayLocally,
  replayThroughDocs,
  sameState,
  stateFingerprint,
  waitForConvergence,
  type Peer,
} from '@tandem/crdt-bridge/testing';
import { readThreads } from '@tandem/crdt-bridge/comments';
import { readCommitted, startTestServer, text, type TestServer } from './helpers.js';

let ts: TestServer | null = null;
afterEach(async () => {
  await ts?.stop({ wipe: true });
  ts = null;
});

/** Seeds run by `npm test`; set TANDEM_FUZZ_SEEDS=n to run seeds 1..n instead. */
const SEEDS = process.env.TANDEM_FUZZ_SEEDS
  ? Array.from({ length: Number(process.env.TANDEM_FUZZ_SEEDS) }, (_, i) => i + 1)
  : [1, 2, 3, 4, 5];
const PEERS = 4;
const STEPS = 150;

/** The server's in-memory copy of a document, when loaded. */
function serverCopy(server: TestServer, docId: string): Y.Doc[] {
  const room = server.server.registry.get(docId);
  return room ? [room.content()] : [];
}

describe('randomized convergence through the server', () => {
  it.each(SEEDS)(
    'seed %i: every client, the server and SQLite end equal, and no acknowledged edit is lost',
    async (seed) => {
      const server = await startTestServer({ compactRows: 40 });
      ts = server;
      const docId = `fuzz-${seed}`;
      const random = createRandom(seed);
      const peers = createPeers(PEERS, docId, () => server.client());
      await Promise.all(peers.map((p) => p.session.whenSynced()));

      // "Acknowledged" must mean "in SQLite": check it at the moment each acknowledgement arrives.
      const ledgers = peers.map((p) => new AckLedger(p.session));
      const violations: string[] = [];
      ledgers.forEach((ledger, i) =>
        ledger.onAcknowledge((acknowledged) => {
          if (!containsUpdate(readCommitted(server.dataDir, docId), acknowledged))
            violations.push(
              `peer${i}: acknowledgement ${ledger.acknowledgements} arrived before its edits were stored`,
            );
        }),
      );

      for (let step = 0; step < STEPS; step++) {
        const peer = random.pick(peers);
        const roll = random.next();
        if (roll < 0.06) {
          if (isOnline(peer)) goOffline(peer);
          else goOnline(peer);
        } else if (roll < 0.09) {
          // Drop and rebuild at once, abandoning whatever acknowledgements were in flight.
          if (isOnline(peer)) peer.client.reconnect();
        } else {
          randomEdits(random, peer.doc, random.between(1, 3));
        }
        if (random.chance(0.3)) await new Promise((resolve) => setTimeout(resolve, random.int(4)));
      }
      peers.forEach(goOnline);
      await waitForConvergence(peers, { extra: () => serverCopy(server, docId) });

      expect(violations).toEqual([]);
      // The edits included comment threads and suggestions; everyone reads the same ones.
      const threads = readThreads(peers[0]!.doc);
      expect(threads.length).toBeGreaterThan(0);
      for (const peer of peers) expect(readThreads(peer.doc)).toEqual(threads);
      const acknowledgedEdits = ledgers.reduce((n, l) => n + l.acknowledgedCount, 0);
      expect(acknowledgedEdits).toBeGreaterThan(STEPS / 2);
      const finalState = stateFingerprint(peers[0]!.doc);
      await server.server.writes.durable();
      expect(stateFingerprint(readCommitted(server.dataDir, docId))).toBe(finalState);

      // A fresh server on the same data directory loads exactly this state.
      await server.stop();
      ts = await startTestServer({}, { dataDir: server.dataDir });
      const reloaded = ts.client().open(docId);
      await reloaded.whenSynced();
      expect(stateFingerprint(reloaded.doc)).toBe(finalState);
      expect(sameState([reloaded.doc, peers[0]!.doc])).toBe(true);
      for (const ledger of ledgers) expect(containsUpdate(reloaded.doc, ledger.acknowledged)).toBe(true);
    },
  );
});

describe('randomized convergence with remote changes applied in batches (as the editor does, per frame)', () => {
  it.each([1, 2, 3])(
    'seed %i: peers that hold remote updates and presence for a while end equal to those that apply them at once',
    async (seed) => {
      const server = await startTestServer();
      ts = server;
      const docId = `batched-${seed}`;
      const random = createRandom(seed);
      const peers = createPeers(PEERS, docId, () => server.client());
      // Half the peers batch; their "frame" comes at random steps, so local edits, going offline
      // and reconnecting all happen while remote changes are held, in every order.
      const batching = peers.slice(0, PEERS / 2);
      const held = new Map<Peer, () => void>();
      batching.forEach((peer) => peer.session.batchRemoteChanges((flush) => held.set(peer, flush)));
      let editsOverHeld = 0;
      await Promise.all(peers.map((p) => p.session.whenSynced()));
      for (let step = 0; step < STEPS; step++) {
        const peer = random.pick(peers);
        const frame = held.get(peer);
        if (frame && random.chance(0.25)) {
          held.delete(peer);
          frame();
        } else if (random.chance(0.04)) {
          if (isOnline(peer)) goOffline(peer);
          else goOnline(peer);
        } else {
          if (held.has(peer)) editsOverHeld++;
          randomEdits(random, peer.doc, random.between(1, 3));
        }
        if (random.chance(0.5)) await new Promise((resolve) => setTimeout(resolve, random.int(6)));
      }
      peers.forEach(goOnline);
      // From here on they apply what arrives at once (what is held is applied first).
      batching.forEach((peer) => peer.session.batchRemoteChanges(null));
      await waitForConvergence(peers, { extra: () => serverCopy(server, docId) });
      // Local edits really were made over held remote ones (or this test would prove nothing about it).
      expect(editsOverHeld).toBeGreaterThan(5);
      const threads = readThreads(peers[0]!.doc);
      for (const peer of peers) expect(readThreads(peer.doc)).toEqual(threads);
    },
  );
});

/** Where the shared editing traces live (outside the repository; never copied into it). */
const TRACES_DIR =
  process.env.TANDEM_TRACES_DIR ??
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/traces');
/** TANDEM_FULL_TRACES=1 replays every concurrent trace whole; `npm test` replays a prefix of one, to stay fast. */
const FULL_TRACES = process.env.TANDEM_FULL_TRACES === '1';
const PREFIX_TXNS = 4_000;
const TRACES = (FULL_TRACES ? ['concurrent-clownschool', 'concurrent-friendsforever'] : ['concurrent-clownschool'])
  .map((name) => ({ name, file: path.join(TRACES_DIR, `${name}.json.gz`) }))
  .filter(({ file }) => fs.existsSync(file));

describe.runIf(TRACES.length > 0)('replaying a real concurrent editing trace', () => {
  it.each(TRACES)(
    FULL_TRACES
      ? 'replays all of $name, each agent through its own client, and ends at its endContent'
      : `replays the first ${PREFIX_TXNS} transactions of $name, each agent through its own client (TANDEM_FULL_TRACES=1 for all)`,
    async ({ file }) => {
      const trace = readConcurrentTrace(file);
      const limit = FULL_TRACES ? trace.txns.length : PREFIX_TXNS;
      // The whole trace's endContent is the ground truth; a prefix's is what a local replay gives.
      const expected = FULL_TRACES ? trace.endContent : replayLocally(trace, limit);
      const server = await startTestServer();
      ts = server;
      const peers: Peer[] = createPeers(trace.numAgents, 'trace', () => server.client());
      await Promise.all(peers.map((p) => p.session.whenSynced()));

      const replay = new TraceReplay(trace, limit);
      await replayThroughDocs(
        replay,
        peers.map((p) => p.doc),
      );
      replay.destroy();
      await waitForConvergence(peers, { extra: () => serverCopy(server, 'trace'), timeoutMs: 60_000 });
      for (const peer of peers) expect(text(peer.doc)).toBe(expected);
      await server.server.writes.durable();
      expect(readCommitted(server.dataDir, 'trace').getText('t').toString()).toBe(expected);
    },
    FULL_TRACES ? 600_000 : 60_000,
  );

  it.each(TRACES)(
    'a local replay of all of $name ends at its endContent (so prefix expectations can be trusted)',
    ({ file }) => {
      const trace = readConcurrentTrace(file);
      expect(replayLocally(trace)).toBe(trace.endContent);
    },
  );
});
