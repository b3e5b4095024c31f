import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { canRaiseNoFile, hasProgram, sampleProc, type ProcSample } from '../lib/proc.js';
import { BENCH_DIR, REPO_DIR, freePort, note, sleep } from '../lib/util.js';

/** The servers a run can compare. */
export const SERVER_KINDS = [
  'tandem',
  'y-websocket',
  'hocuspocus',
  'y-socket.io',
  'relay',
  'tandem-shm',
  'tandem-before',
  'socketio-floor',
] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];
/** The servers a default run compares: Tandem, the three peers and the floor. */
export const DEFAULT_SERVERS: ServerKind[] = ['tandem', 'y-websocket', 'hocuspocus', 'y-socket.io', 'relay'];
/** The wire protocol a server kind speaks. */
export type Protocol = 'tandem' | 'y-websocket' | 'hocuspocus' | 'y-socket.io' | 'relay';
export function protocolOf(kind: ServerKind): Protocol {
  return kind === 'tandem-shm' || kind === 'tandem-before' || kind === 'socketio-floor' ? 'tandem' : kind;
}

/** What the load generator needs to know about a server's behaviour. */
export interface ServerTraits {
  /** Human label for tables. */
  label: string;
  /** Whether an update comes back to the client that sent it. */
  echoesUpdates: boolean;
  /** Whether the server keeps a Y.Doc (and so can serve a joining client the document). */
  holdsDocument: boolean;
  /** Whether the server stores updates durably before acknowledging them. */
  durable: boolean;
}

export const TRAITS: Record<ServerKind, ServerTraits> = {
  tandem: { label: 'Tandem', echoesUpdates: false, holdsDocument: true, durable: true },
  'y-websocket': { label: '@y/websocket-server 0.1.1', echoesUpdates: true, holdsDocument: true, durable: false },
  hocuspocus: { label: '@hocuspocus/server 3.4', echoesUpdates: true, holdsDocument: true, durable: false },
  'y-socket.io': { label: 'y-socket.io 1.1.3', echoesUpdates: true, holdsDocument: true, durable: false },
  relay: { label: 'bare ws relay (floor)', echoesUpdates: false, holdsDocument: false, durable: false },
  'tandem-shm': {
    label: 'Tandem, data on tmpfs (diagnostic)',
    echoesUpdates: false,
    holdsDocument: true,
    durable: false,
  },
  'tandem-before': {
    label: 'Tandem at $TANDEM_BEFORE (an earlier build)',
    echoesUpdates: false,
    holdsDocument: true,
    durable: true,
  },
  'socketio-floor': {
    label: 'Socket.IO as Tandem sets it up, nothing else (diagnostic, scenario 4 only)',
    echoesUpdates: false,
    holdsDocument: false,
    durable: false,
  },
};

export const TANDEM_MAIN = path.join(REPO_DIR, 'apps/sync-server/dist/main.js');

/**
 * The entry point of the earlier build `tandem-before` runs: a second checkout, built, named by
 * $TANDEM_BEFORE (`git worktree add /tmp/tandem-before <commit> && cd /tmp/tandem-before && npm ci
 * && npm run build`), so a change is measured side by side with what it replaced in one run.
 */
function beforeMain(): string {
  const dir = process.env.TANDEM_BEFORE;
  if (!dir) throw new Error('tandem-before needs TANDEM_BEFORE: the directory of a built earlier checkout');
  const main = path.join(path.resolve(dir), 'apps/sync-server/dist/main.js');
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: run \`npm ci && npm run build\` in ${dir}`);
  return main;
}

const ENTRY: Record<Exclude<ServerKind, 'tandem' | 'tandem-shm' | 'tandem-before'>, string> = {
  'y-websocket': path.join(BENCH_DIR, 'src/servers/y-websocket.mjs'),
  hocuspocus: path.join(BENCH_DIR, 'src/servers/hocuspocus.mjs'),
  'y-socket.io': path.join(BENCH_DIR, 'src/servers/y-socketio.mjs'),
  relay: path.join(BENCH_DIR, 'src/servers/relay.mjs'),
  'socketio-floor': path.join(BENCH_DIR, 'src/servers/socketio-floor.mjs'),
};

export interface StartOptions {
  /** Pin the server to this CPU with taskset (when available). */
  cpu?: number | null;
  /** Extra environment (Tandem: COMPACT_ROWS, IDLE_UNLOAD_MS, …). */
  env?: Record<string, string>;
  /** Write a V8 CPU profile into this directory when the server exits. */
  cpuProfDir?: string | null;
  /** Raise the open-files limit (needs prlimit and the right to raise the hard limit). */
  noFile?: number | null;
  /** Reuse this data directory (Tandem); a fresh temporary one otherwise. */
  dataDir?: string;
  /** More flags for the server's `node` (diagnostics: heap snapshots on a signal, GC tracing). */
  nodeArgs?: string[];
}

/** Every server started and not yet stopped, so an interrupted run still ends them. */
const live = new Set<ServerProcess>();

function killAllSync(): void {
  for (const server of live) {
    try {
      server.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}
process.once('exit', killAllSync);

/** A server under test running in its own process. */
export class ServerProcess {
  readonly kind: ServerKind;
  readonly port: number;
  readonly child: ChildProcess;
  readonly dataDir: string | null;
  private readonly ownsDataDir: boolean;
  private readonly output: string[] = [];
  private exited: Promise<number | null>;
  private exitCode: number | null | undefined = undefined;

  constructor(kind: ServerKind, port: number, child: ChildProcess, dataDir: string | null, ownsDataDir: boolean) {
    this.kind = kind;
    this.port = port;
    this.child = child;
    this.dataDir = dataDir;
    this.ownsDataDir = ownsDataDir;
    const keep = (chunk: Buffer): void => {
      this.output.push(chunk.toString());
      if (this.output.length > 50) this.output.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.exitCode = code;
        live.delete(this);
        resolve(code);
      }),
    );
    live.add(this);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get alive(): boolean {
    return this.exitCode === undefined;
  }

  /** CPU time and RSS of the server process. */
  sample(): ProcSample | null {
    return sampleProc(this.pid);
  }

  /** The last lines the server printed (for error messages). */
  recentOutput(): string {
    return this.output.join('').split('\n').slice(-20).join('\n');
  }

  /** Waits until the port accepts connections. */
  async ready(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.alive) throw new Error(`${this.kind} exited during start-up:\n${this.recentOutput()}`);
      const ok = await new Promise<boolean>((resolve) => {
        const socket = net.connect(this.port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
      if (ok) return;
      await sleep(50);
    }
    throw new Error(`${this.kind} did not listen on ${this.port} within ${timeoutMs} ms:\n${this.recentOutput()}`);
  }

  /** Graceful stop (SIGTERM, so Tandem stores everything and V8 writes its profile), SIGKILL after 15 s. */
  async stop({ keepData = false } = {}): Promise<void> {
    if (this.alive) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
      await this.exited;
      clearTimeout(timer);
    }
    if (this.ownsDataDir && this.dataDir && !keepData) fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

let prlimitWorks: boolean | null = null;

/** Starts a server in its own process, pinned to `cpu`, and waits until it listens. */
export async function startServer(kind: ServerKind, options: StartOptions = {}): Promise<ServerProcess> {
  const port = await freePort();
  const nodeArgs: string[] = [...(options.nodeArgs ?? [])];
  // An A/B of V8 flags for this checkout's server alone (e.g. "--max-semi-space-size=64"), run
  // against tandem-before pointing at the same build: `BENCH_TANDEM_FLAGS="…" TANDEM_BEFORE=$PWD`.
  if (kind === 'tandem' && process.env.BENCH_TANDEM_FLAGS)
    nodeArgs.push(...process.env.BENCH_TANDEM_FLAGS.split(' ').filter(Boolean));
  if (options.cpuProfDir) {
    fs.mkdirSync(options.cpuProfDir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`);
  }
  let dataDir: string | null = null;
  let ownsDataDir = false;
  const env: Record<string, string | undefined> = { ...process.env, PORT: String(port), ...options.env };
  let entry: string;
  if (kind === 'tandem' || kind === 'tandem-shm' || kind === 'tandem-before') {
    if (kind === 'tandem-before') entry = beforeMain();
    else if (!fs.existsSync(TANDEM_MAIN)) throw new Error(`${TANDEM_MAIN} is missing: build with \`npx tsc -b\` first`);
    else entry = TANDEM_MAIN;
    // tandem-shm keeps its database in memory-backed /dev/shm, where fsync costs nothing: the
    // difference to plain Tandem is the price of durable commits on this machine's disk.
    const base = kind === 'tandem-shm' && fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
    dataDir = options.dataDir ?? fs.mkdtempSync(path.join(base, 'tandem-bench-'));
    ownsDataDir = options.dataDir === undefined;
    Object.assign(env, {
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: env.BENCH_TANDEM_LOG_LEVEL ?? 'warn',
      STATIC_DIR: '',
      // The saturation scenarios push one connection far past what a person types; the
      // peers have no per-connection rate limit, so Tandem's is lifted for a like-for-like run.
      RATE_LIMIT_PER_SEC: '1000000',
      RATE_LIMIT_BURST: '1000000',
      // Scenarios open tens of thousands of connections and create documents by the thousand from
      // one address; the peers have no such caps either.
      MAX_CONNECTIONS: '10000000',
      DOCS_PER_HOUR: '100000000',
      DOCS_BURST: '100000000',
      ...options.env,
    });
  } else {
    entry = ENTRY[kind];
  }

  let command = process.execPath;
  let args = [...nodeArgs, entry];
  if (options.cpu !== undefined && options.cpu !== null && hasProgram('taskset')) {
    args = ['-c', String(options.cpu), command, ...args];
    command = 'taskset';
  }
  if (options.noFile) {
    prlimitWorks ??= hasProgram('prlimit') && canRaiseNoFile();
    if (prlimitWorks) {
      args = [`--nofile=${options.noFile}:${options.noFile}`, '--', command, ...args];
      command = 'prlimit';
    } else {
      note(`cannot raise the open-files limit (prlimit missing or not permitted): ${kind} keeps its limit`);
    }
  }
  const cwd = kind === 'tandem-before' ? path.dirname(path.dirname(path.dirname(path.dirname(entry)))) : REPO_DIR;
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], cwd });
  const server = new ServerProcess(kind, port, child, dataDir, ownsDataDir);
  try {
    await server.ready();
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

/** Reads Tandem's /healthz (documents loaded, connections); null for other servers or on failure. */
export async function tandemHealth(
  server: ServerProcess,
): Promise<{ documentsLoaded: number; connections: number } | null> {
  if (protocolOf(server.kind) !== 'tandem') return null;
  try {
    const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) return null;
    return (await res.json()) as { documentsLoaded: number; connections: number };
  } catch {
    return null;
  }
}

/** The Prometheus text of Tandem's /metrics, if the server has that endpoint. */
export async function tandemMetrics(server: ServerProcess): Promise<string | null> {
  if (protocolOf(server.kind) !== 'tandem') return null;
  try {
    const res = await fetch(`${server.url}/metrics`, { signal: AbortSignal.timeout(5_000) });
    return res.ok ? await res.text() : null;
  } catch {
    return null;
  }
}
