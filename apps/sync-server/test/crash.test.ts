import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { ErrorCode, TandemClient } from '@tandem/crdt-bridge';
import {
  AckLedger,
  containsUpdate,
  createRandom,
  describePeers,
  startRandomEditing,
  stateFingerprint,
  waitForConvergence,
  waitUntil,
  type Peer,
  type Random,
} from '@tandem/crdt-bridge/testing';
import { assertFreshBuild, freePort, ServerProcess } from './builtServer.js';
import { readCommitted } from './helpers.js';

/**
 * Crash safety, end to end: the real server (the built `dist/main.js`) runs as a child
 * process; several clients edit two documents at random; the server is killed with
 * SIGKILL at random moments and restarted on the same port and data directory.
 *
 * After every kill, the database the dead server left behind must hold every change any
 * client had been told was saved (an acknowledgement means "committed", nothing less).
 * After restarts, every client must converge with the restarted server: same state
 * everywhere, in a fresh client's copy and in SQLite.
 *
 * `npm test` runs a few cycles; `npm run test:soak` runs TANDEM_SOAK_CYCLES (default 50).
 * TANDEM_CRASH_SEED replays a run.
 */

const SOAK = process.env.TANDEM_SOAK === '1';
const CYCLES = SOAK ? Number(process.env.TANDEM_SOAK_CYCLES || 50) : 3;
const SEED = Number(process.env.TANDEM_CRASH_SEED || (SOAK ? Date.now() % 1_000_000 : 7));
const CLIENTS = 4;
const DOCS = ['crash-a', 'crash-b'];

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A document as the dead server's database holds it. The database files are copied and
 * opened elsewhere, so SQLite's crash recovery runs on the copy and the restarted server
 * still finds the files exactly as the kill left them.
 */
function committedAfterCrash(dataDir: string, docId: string): Y.Doc {
  const copyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-crash-copy-'));
  try {
    for (const suffix of ['', '-wal']) {
      const file = path.join(dataDir, `tandem.db${suffix}`);
      if (fs.existsSync(file)) fs.copyFileSync(file, path.join(copyDir, `tandem.db${suffix}`));
    }
    return readCommitted(copyDir, docId, { readonly: false });
  } finally {
    fs.rmSync(copyDir, { recursive: true, force: true });
  }
}

/** Settings for the crashing server. */
function crashEnv(commitDelayMs: number): Record<string, string> {
  return {
    // Small enough that compactions happen (and get killed) during the run.
    COMPACT_ROWS: '60',
    // Group commits that wait a little widen the window between receiving and storing.
    COMMIT_DELAY_MS: String(commitDelayMs),
  };
}

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

describe('the server killed with SIGKILL at random moments', () => {
  it(
    `loses no acknowledged change and every client converges (${CYCLES} kills, seed ${SEED})`,
    async () => {
      assertFreshBuild();
      const random = createRandom(SEED);
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-crash-'));
      const commitDelay = (): number => random.pick([0, 0, 5, 20]);
      let server = await ServerProcess.start(port, dataDir, crashEnv(commitDelay()));
      const clients: TandemClient[] = [];
      cleanup = async () => {
        for (const client of clients) client.destroy();
        await server.kill();
        fs.rmSync(dataDir, { recursive: true, force: true });
      };
      const makeClient = (): TandemClient => {
        const client = new TandemClient({
          url,
          socket: { reconnectionDelay: 20, reconnectionDelayMax: 100, randomizationFactor: 0.5 },
        });
        clients.push(client);
        return client;
      };
      for (let i = 0; i < CLIENTS; i++) makeClient();

      // Every client opens every document, with presence (as the editor does).
      const peersByDoc: Peer[][] = DOCS.map((docId) =>
        clients.map((client, i) => {
          const doc = new Y.Doc();
          const awareness = new Awareness(doc);
          awareness.setLocalState({ user: { name: `peer${i}`, color: '#336699' } });
          return { name: `peer${i}`, client, session: client.open(docId, { doc, awareness }), doc };
        }),
      );
      const peers = peersByDoc.flat();
      const ledgers = new Map(peers.map((peer) => [peer, new AckLedger(peer.session)]));
      // A good client is never refused anything: such an error means a guard misfired.
      const refusals: string[] = [];
      for (const peer of peers) {
        peer.session.on('status', (status) => {
          const code = status.error?.code;
          if (code !== undefined && code !== ErrorCode.StorageUnavailable)
            refusals.push(`${peer.name}/${peer.session.docId}: ${code} ${status.error?.message}`);
        });
      }
      await Promise.all(peers.map((p) => p.session.whenSynced()));

      const converge = async (): Promise<string[]> => {
        const fingerprints: string[] = [];
        for (const [d, docPeers] of peersByDoc.entries()) {
          await waitForConvergence(docPeers, { timeoutMs: 20_000 });
          // The restarted server's own copy, as a newcomer receives it, is the same.
          const probe = makeClient();
          const fresh = probe.open(DOCS[d]!);
          await fresh.whenSynced();
          const expected = stateFingerprint(docPeers[0]!.doc);
          await waitUntil(
            () => stateFingerprint(fresh.doc) === expected,
            `a newcomer to ${DOCS[d]} gets the same state`,
            {
              timeoutMs: 5_000,
              explain: () => describePeers(docPeers, [fresh.doc]),
            },
          );
          probe.destroy();
          // And everything everyone has is in SQLite.
          expect(stateFingerprint(readCommitted(dataDir, DOCS[d]!)), `SQLite holds ${DOCS[d]}`).toBe(expected);
          fingerprints.push(expected);
        }
        return fingerprints;
      };

      const lossReports: string[] = [];
      let acknowledgedEdits = 0;
      let killsWithChangesInFlight = 0;
      let totalEdits = 0;
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        const editing = startRandomEditing(
          random,
          peers.map((peer) => peer.doc),
        );
        await sleep(random.between(0, 400));
        expect(server.running, `the server died by itself:\n${server.log}`).toBe(true);
        await server.kill();

        // Everything acknowledged before the kill is in the database the kill left behind.
        let lostUnsaved = false;
        for (const [d, docPeers] of peersByDoc.entries()) {
          const committed = committedAfterCrash(dataDir, DOCS[d]!);
          // Changes the kill caught before they were stored (the clients still have them).
          if (docPeers.some((peer) => !containsUpdate(committed, Y.encodeStateAsUpdate(peer.doc)))) lostUnsaved = true;
          for (const peer of docPeers) {
            const ledger = ledgers.get(peer)!;
            if (!containsUpdate(committed, ledger.acknowledged))
              lossReports.push(
                `cycle ${cycle}: ${peer.name} in ${DOCS[d]}: acknowledged changes missing after the kill ` +
                  `(${ledger.acknowledgedCount} acknowledged in ${ledger.acknowledgements} acknowledgements)`,
              );
          }
        }
        expect(lossReports).toEqual([]);
        if (lostUnsaved) killsWithChangesInFlight++;

        // Edit on while the server is down (offline edits), then restart it.
        await sleep(random.between(0, 150));
        totalEdits += await editing.stop();
        server = await ServerProcess.start(port, dataDir, crashEnv(commitDelay()));
        // Sometimes let everyone catch up before the next kill; otherwise kill again mid-resync.
        if (random.chance(0.35)) await converge();
      }

      // The end: everyone converges with the restarted server, and nothing was refused or lost.
      const final = await converge();
      acknowledgedEdits = [...ledgers.values()].reduce((n, ledger) => n + ledger.acknowledgedCount, 0);
      expect(refusals).toEqual([]);
      expect(acknowledgedEdits).toBeGreaterThan(0);
      if (SOAK) expect(killsWithChangesInFlight, 'some kills hit changes not yet stored').toBeGreaterThan(0);

      // One last kill with everything saved: the database alone reproduces what everyone has.
      await server.kill();
      DOCS.forEach((docId, d) => expect(stateFingerprint(committedAfterCrash(dataDir, docId))).toBe(final[d]));
      console.info(
        `crash test: ${CYCLES} kills (${killsWithChangesInFlight} with changes not yet stored), ${totalEdits} edits, ` +
          `${acknowledgedEdits} acknowledged, seed ${SEED}`,
      );
    },
    SOAK ? CYCLES * 15_000 : 60_000,
  );
});
