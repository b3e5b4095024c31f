import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** The compiled server, as `npm start` runs it. */
export const SERVER_MAIN = path.join(ROOT, 'apps/sync-server/dist/main.js');

/** Every source file of a project (tests excluded), recursively. */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/**
 * Tests that run the compiled server in a child process need the build to exist and be
 * newer than the sources (of the server and of the package it uses); otherwise they
 * would exercise old code. `npm test` builds first; by hand, run `npx tsc -b`.
 */
export function assertFreshBuild(): void {
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
      `This test runs the built server in a child process, but the build is not usable: ${problems.join('; ')}. ` +
        'Run `npx tsc -b` (npm test does it first) and try again.',
    );
  }
}

/**
 * A free TCP port on the loopback interface, below the ephemeral range: a server may be
 * restarted on the same port, and while it is down an outgoing connection (of this or
 * any other test) must not be able to take it as its local port.
 */
export async function freePort(): Promise<number> {
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

/** The environment a child server runs with: loopback only, no editor, quiet logs, plus `env`. */
function serverEnv(port: number, dataDir: string, env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    STATIC_DIR: '',
    ...env,
  };
}

/** The real server (the built `dist/main.js`) as a child process. */
export class ServerProcess {
  private output = '';
  private exited: Promise<number | null>;
  private done = false;

  private constructor(private readonly child: ChildProcess) {
    // TANDEM_TEST_SERVER_LOGS names a file that gets everything every test server prints (for digging into a failure).
    const logFile = process.env.TANDEM_TEST_SERVER_LOGS;
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
      if (logFile) fs.appendFileSync(logFile, chunk);
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

  /** Starts the server and resolves once it answers /healthz; rejects, with its output, if it exits first. */
  static async start(port: number, dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
    const child = spawn(process.execPath, [SERVER_MAIN], {
      cwd: ROOT,
      env: serverEnv(port, dataDir, env),
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

  /** Runs the server on `dataDir` expecting it to refuse to start; resolves with its exit code and output. */
  static async refusal(
    dataDir: string,
    env: Record<string, string> = {},
  ): Promise<{ code: number | null; output: string }> {
    const child = spawn(process.execPath, [SERVER_MAIN], {
      cwd: ROOT,
      env: serverEnv(0, dataDir, env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new ServerProcess(child);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await server.exited;
    clearTimeout(timer);
    return { code, output: server.output };
  }

  /** Whether it is still running (it must not die unless killed). */
  get running(): boolean {
    return !this.done;
  }

  get log(): string {
    return this.output;
  }

  /** Pauses (SIGSTOP) or resumes (SIGCONT) the process: a node that is alive but does nothing. */
  signal(signal: 'SIGSTOP' | 'SIGCONT' | 'SIGTERM'): void {
    if (!this.done) this.child.kill(signal);
  }

  /** Resolves with the exit code once the process has exited. */
  exit(): Promise<number | null> {
    return this.exited;
  }

  /** SIGKILL: no shutdown code runs, exactly as in a crash or power cut (for the process). */
  async kill(): Promise<void> {
    if (this.done) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}
