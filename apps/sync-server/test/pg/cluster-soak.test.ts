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
} from '@tandem/crdt-bridge/testing';
import { assertFreshBuild } from '../builtServer.js';
import { gapless, TestCluster, type TestNode } from './testCluster.js';

/**
 * The cluster's crash soak: three nodes, a client on each with two documents open, editing
 * at random; a node — mostly the current owner of a document — is killed with SIGKILL at
 * random moments and started again (as a new node on the same port).
 *
 * After every kill, PostgreSQL holds every change any client had been told was saved, and
 * each document's log has no gap in its sequence numbers; the time from the kill until a
 * survivor's new change to the killed owner's document is acknowledged is recorded. At the
 * end every client, a newcomer on each node and PostgreSQL hold the same state.
 *
 * `npm test` runs a few kills; `npm run test:soak` runs TANDEM_SOAK_KILLS (default 50).
 * TANDEM_CRASH_SEED replays a run.
 */

const SOAK = process.env.TANDEM_SOAK === '1';
const KILLS = SOAK ? Number(process.env.TANDEM_SOAK_KILLS || 50) : 3;
const SEED = Number(process.env.TANDEM_CRASH_SEED || (SOAK ? Date.now() % 1_000_000 : 11));
const DOCS = ['soak-a', 'soak-b'];
/** Longest wait for a survivor's change to be acknowledged after a kill, before it counts as a failure. */
const TAKEOVER_LIMIT_MS = 15_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

/** A peer and the node its client is connected to (by index: a restarted node keeps its place). */
interface SoakPeer extends Peer {
  node: number;
  ledger: AckLedger;
  /** Local changes made so far (an acknowledgement beyond those covers a change made later). */
  made(): number;
}

function soakPeer(client: TandemClient, node: number, docId: string): SoakPeer {
  const doc = new Y.Doc();
  const awareness = new Awareness(doc);
  awareness.setLocalState({ user: { name: `peer${node}`, color: '#336699' } });
  const session = client.open(docId, { doc, awareness });
  let made = 0;
  doc.on('update', (_update: Uint8Array, origin: unknown) => {
    if (origin !== session) made++;
  });
  return { name: `peer${node}`, client, session, doc, node, ledger: new AckLedger(session), made: () => made };
}

/** What `update` adds to `doc`, in words (for a failure's message). */
function missingPart(doc: Y.Doc, update: Uint8Array): string {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  const before = copy.getText('t').toString();
  const fragmentBefore = copy.getXmlFragment('prosemirror').toString();
  Y.applyUpdate(copy, update);
  const pending = copy.store.pendingStructs !== null || copy.store.pendingDs !== null;
  const text = copy.getText('t').toString();
  const fragment = copy.getXmlFragment('prosemirror').toString();
  return [
    text === before ? '' : `text ${JSON.stringify(before)} → ${JSON.stringify(text)}`,
    fragment === fragmentBefore ? '' : `content ${fragmentBefore} → ${fragment}`,
    pending ? 'structs or deletions whose dependencies are missing' : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/** Writes every row of both documents and every peer's state to `dir` (SOAK_DUMP), to dig into a failure. */
async function dumpForDiagnosis(dir: string, cluster: TestCluster, peersByDoc: SoakPeer[][]): Promise<void> {
  const fs = await import('node:fs');
  fs.mkdirSync(dir, { recursive: true });
  const { openPool } = await import('../../src/storage/postgres/pgPool.js');
  const pool = openPool(cluster.databaseUrl, { max: 1 });
  try {
    const { rows } = await pool.query(
      "SELECT doc_id, seq, codec, encode(data, 'base64') AS data FROM updates ORDER BY doc_id, seq",
    );
    fs.writeFileSync(`${dir}/rows.json`, JSON.stringify(rows));
  } finally {
    await pool.end();
  }
  const peers = peersByDoc.flat().map((peer) => ({
    name: peer.name,
    doc: peer.session.docId,
    state: Buffer.from(Y.encodeStateAsUpdate(peer.doc)).toString('base64'),
    acknowledged: Buffer.from(peer.ledger.acknowledged).toString('base64'),
  }));
  fs.writeFileSync(`${dir}/peers.json`, JSON.stringify(peers));
}

/** p-th percentile (0–100) of `values`. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

describe('a cluster whose nodes are killed with SIGKILL under editing', () => {
  it(
    `loses no acknowledged change, keeps every log gapless and converges (${KILLS} kills, seed ${SEED})`,
    async () => {
      assertFreshBuild();
      const random = createRandom(SEED);
      const cluster = await TestCluster.start(3, {
        COMPACT_ROWS: process.env.SOAK_COMPACT_ROWS ?? '60',
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      });
      const clients = cluster.nodes.map(
        (node) =>
          new TandemClient({
            url: node.url,
            socket: { reconnectionDelay: 20, reconnectionDelayMax: 100, randomizationFactor: 0.5 },
          }),
      );
      const probes: TandemClient[] = [];
      cleanup = async () => {
        for (const client of [...clients, ...probes]) client.destroy();
        await cluster.stop();
      };
      const peersByDoc: SoakPeer[][] = DOCS.map((docId) => clients.map((client, i) => soakPeer(client, i, docId)));
      const peers = peersByDoc.flat();
      const refusals: string[] = [];
      for (const peer of peers)
        peer.session.on('status', (status) => {
          const code = status.error?.code;
          if (code !== undefined && code !== ErrorCode.StorageUnavailable)
            refusals.push(`${peer.name}/${peer.session.docId}: ${code} ${status.error?.message}`);
        });
      await Promise.all(peers.map((p) => p.session.whenSynced()));

      const converge = async (): Promise<void> => {
        for (const [d, docPeers] of peersByDoc.entries()) {
          await waitForConvergence(docPeers, { timeoutMs: 20_000 });
          const expected = stateFingerprint(docPeers[0]!.doc);
          // A newcomer on every node gets the same, and so does PostgreSQL.
          for (const node of cluster.nodes) {
            const probe = new TandemClient({ url: node.url });
            probes.push(probe);
            const fresh = probe.open(DOCS[d]!);
            await fresh.whenSynced();
            await waitUntil(() => stateFingerprint(fresh.doc) === expected, `a newcomer on ${node.id} converges`, {
              timeoutMs: 5_000,
              explain: () => describePeers(docPeers, [fresh.doc]),
            });
            probe.destroy();
          }
          expect(stateFingerprint((await cluster.stored(DOCS[d]!)).doc), `PostgreSQL holds ${DOCS[d]}`).toBe(expected);
        }
      };

      const takeovers: number[] = [];
      const losses: string[] = [];
      for (let kill = 0; kill < KILLS; kill++) {
        const editing = startRandomEditing(
          random,
          peers.map((peer) => peer.doc),
        );
        await sleep(random.between(150, 500));
        const owners = await Promise.all(DOCS.map(async (docId) => (await cluster.ownerRow(docId)).owner_node));
        const ownerIndex = cluster.nodes.findIndex((node) => node.id === owners[0]);
        const victimIndex =
          ownerIndex >= 0 && random.chance(0.8) ? ownerIndex : random.between(0, cluster.nodes.length - 1);
        const victim: TestNode = cluster.nodes[victimIndex]!;
        expect(victim.process.running, `${victim.id} died by itself:\n${victim.process.log}`).toBe(true);
        // Survivors' changes made from now on must be acknowledged by a new owner.
        const watched = peersByDoc
          .filter((_, d) => owners[d] === victim.id)
          .map((docPeers) => docPeers.filter((peer) => peer.node !== victimIndex))
          .map((survivors) => survivors.map((peer) => ({ peer, made: peer.made() })));
        await victim.process.kill();
        const killedAt = Date.now();
        // Timed from now, while the check below reads PostgreSQL (which takes longer as the logs
        // grow and must not count as failover time). A timeout is kept, not thrown, until awaited.
        const takeoverTimes = watched.map((survivors) =>
          waitUntil(
            () => survivors.some(({ peer, made }) => peer.ledger.acknowledgedCount > made),
            `kill ${kill}: a survivor’s new change is acknowledged`,
            { timeoutMs: TAKEOVER_LIMIT_MS },
          ).then(
            () => Date.now() - killedAt,
            (error: unknown) => error as Error,
          ),
        );

        // Everything acknowledged so far is in PostgreSQL, and every log is gapless. The survivors
        // go on acknowledging: what counts is what was acknowledged before PostgreSQL is read.
        const acknowledged = new Map(peers.map((peer) => [peer, peer.ledger.acknowledged]));
        for (const [d, docPeers] of peersByDoc.entries()) {
          const { doc, seqs } = await cluster.stored(DOCS[d]!);
          if (!gapless(seqs)) losses.push(`kill ${kill}: ${DOCS[d]} log has a gap: ${seqs.join(',')}`);
          for (const peer of docPeers)
            if (!containsUpdate(doc, acknowledged.get(peer)!))
              losses.push(
                `kill ${kill} (${victim.id}; owners ${owners.join(', ')}): ${peer.name} in ${DOCS[d]}: ` +
                  `acknowledged changes missing: ${missingPart(doc, acknowledged.get(peer)!)}; log ${seqs.join(',')}`,
              );
        }
        if (losses.length > 0) {
          console.log(cluster.nodes.map((node) => `--- ${node.id}\n${node.process.log}`).join('\n'));
          if (process.env.SOAK_DUMP) await dumpForDiagnosis(process.env.SOAK_DUMP, cluster, peersByDoc);
        }
        expect(losses).toEqual([]);

        for (const took of await Promise.all(takeoverTimes)) {
          if (took instanceof Error) throw took;
          takeovers.push(took);
        }
        await cluster.restart(victim, `node-${victimIndex + 1}-${kill + 1}`);
        await editing.stop();
        if (random.chance(0.35)) await converge();
      }

      await converge();
      expect(refusals).toEqual([]);
      expect(takeovers.length).toBeGreaterThan(0);
      const acknowledgedChanges = peers.reduce((n, peer) => n + peer.ledger.acknowledgedCount, 0);
      expect(acknowledgedChanges).toBeGreaterThan(0);
      // Reported, not asserted: machines here are noisy (docs/scale-out.md has the soak's numbers).
      console.log(
        `cluster soak: ${KILLS} kills, ${takeovers.length} owner takeovers, ${acknowledgedChanges} changes acknowledged; ` +
          `kill → a survivor's change acknowledged: p50 ${percentile(takeovers, 50)} ms, ` +
          `p99 ${percentile(takeovers, 99)} ms, max ${Math.max(...takeovers)} ms`,
      );
    },
    SOAK ? 1_800_000 : 120_000,
  );
});
