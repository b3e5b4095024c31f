import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { ErrorCode, TandemClient } from '@tandem/crdt-bridge';
import {
  AckLedger,
  containsUpdate,
  createRandom,
  describePeers,
  randomEdits,
  stateFingerprint,
  waitForConvergence,
  waitUntil,
  type Peer,
  type Random,
} from '@tandem/crdt-bridge/testing';
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

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SERVER_MAIN = path.join(ROOT, 'apps/sync-server/dist/main.js');

/** Every source file of a project (tests excluded), recursively. */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/**
 * The child process runs the compiled server, so the build must exist and be newer than
 * the sources (of the server and of the package it uses); otherwise this test would
 * exercise old code. `npm test` builds first; by hand, run `npx tsc -b`.
 */
function assertFreshBuild(): void {
  const problems: string[] = [];
  if (!fs.existsSync(SERVER_MAIN)) problems.push(`${path.relative(ROOT, SERVER_MAIN)} does not exist`);
  for (const project of ['apps/sync-server', 'packages/crdt-bridge']) {
    const info = path.join(ROOT, project, 'tsconfig.tsbuildinfo');
    if (!fs.existsSync(info)) {
      problems.push(`${project} was never built`);
      continue;
    }
    const builtAt = fs.statSync(info).mtimeMs;
    const newer = sources(path.join(ROOT, project, 'src')).filter((file) => fs.statSync(file).mtimeMs > builtAt);
    if (newer.length > 0)
      problems.push(`${project} changed since its last build (${newer.map((f) => path.relative(ROOT, f)).join(', ')})`);
  }
  if (problems.length > 0) {
    throw new Error(
      `The crash test runs the built server in a child process, but the build is not usable: ${problems.join('; ')}. ` +
        'Run `npx tsc -b` (npm test does it first) and try again.',
    );
  }
}

/**
 * A free TCP port on the loopback interface, below the ephemeral range: the server is
 * restarted on the same port, and while it is down an outgoing connection (of this or
 * any other test) must not be able to take it as its local port.
 */
async function freePort(): Promise<number> {
  let below = 32768;
  try {
    below = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || below;
  } catch {
    // Not Linux: keep the usual default.
  }
  const tryPort = (port: number): Promise<number | null> =>
    new Promise((resolve) => {
      const probe = net.createServer();
      probe.once('error', () => resolve(null));
      probe.listen(port, '127.0.0.1', () => {
        const bound = (probe.address() as net.AddressInfo).port;
        probe.close(() => resolve(bound));
      });
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await tryPort(10_000 + Math.floor(Math.random() * Math.max(1, below - 10_000)));
    if (port !== null) return port;
  }
  return (await tryPort(0))!;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The real server as a child process. */
class ServerProcess {
  private output = '';
  private exited: Promise<number | null>;
  private done = false;

  private constructor(private readonly child: ChildProcess) {
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.done = true;
        resolve(code);
      }),
    );
  }

  /** Starts the server and resolves once it answers /healthz. */
  static async start(port: number, dataDir: string, commitDelayMs: number): Promise<ServerProcess> {
    const child = spawn(process.execPath, [SERVER_MAIN], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        STATIC_DIR: '',
        // Small enough that compactions happen (and get killed) during the run.
        COMPACT_ROWS: '60',
        // Group commits that wait a little widen the window between receiving and storing.
        COMMIT_DELAY_MS: String(commitDelayMs),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new ServerProcess(child);
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (server.done) throw new Error(`the server exited while starting:\n${server.output}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (response.ok) return server;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) {
        await server.kill();
        throw new Error(`the server did not start within 15 s:\n${server.output}`);
      }
      await sleep(20);
    }
  }

  /** Whether it is still running (it must not die unless killed). */
  get running(): boolean {
    return !this.done;
  }

  get log(): string {
    return this.output;
  }

  /** SIGKILL: no shutdown code runs, exactly as in a crash or power cut (for the process). */
  async kill(): Promise<void> {
    if (this.done) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

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

/** Random edits by random peers, a step every few milliseconds, until `stop()`. */
function startEditing(random: Random, peers: readonly Peer[]): { stop(): Promise<number> } {
  let running = true;
  let edits = 0;
  const loop = (async () => {
    while (running) {
      const peer = random.pick(peers);
      const count = random.between(1, 2);
      randomEdits(random, peer.doc, count);
      edits += count;
      await sleep(random.between(1, 6));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return edits;
    },
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
      let server = await ServerProcess.start(port, dataDir, commitDelay());
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
        const editing = startEditing(random, peers);
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
        server = await ServerProcess.start(port, dataDir, commitDelay());
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
