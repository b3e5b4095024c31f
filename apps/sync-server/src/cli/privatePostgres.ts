import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openPool } from '../storage/postgres/pgPool.js';

/** A PostgreSQL server of our own: a temp directory, a unix socket, no TCP port. */
export interface PrivatePostgres {
  /** The directory holding the socket (libpq's `host`). */
  readonly socketDir: string;
  /** The port that names the socket file (`.s.PGSQL.<port>`). */
  readonly port: number;
  /** A libpq URL for `database` on this server, as user `tandem`. */
  url(database: string): string;
  /** The server's process id (tests stop and continue it). */
  readonly pid: number;
  /** Creates database `name` (letters, digits and underscores); resolves with its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server (fast shutdown) and, unless `keep`, deletes its directory. */
  stop(options?: { keep?: boolean }): Promise<void>;
}

/** Options for {@link startPrivatePostgres}. */
export interface PrivatePostgresOptions {
  /** Where to put the data and socket (default: a new temp directory). */
  dir?: string;
  /** Extra `-c name=value` settings. */
  settings?: Record<string, string>;
}

/** Where Debian's PostgreSQL binaries are (PG_BIN overrides), or null if none is installed. */
export function postgresBinDir(): string | null {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (fs.existsSync(root)) {
    const versions = fs
      .readdirSync(root)
      .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(root, versions[0], 'bin');
  }
  try {
    return path.dirname(execFileSync('which', ['postgres'], { encoding: 'utf8' }).trim());
  } catch {
    return null;
  }
}

/** initdb and postgres refuse to run as root: run them as the `postgres` user then. */
function runAs(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

function readyLine(dataDir: string): string | null {
  try {
    // Line 8 of postmaster.pid is the server's status once it runs.
    return fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[7]?.trim() ?? null;
  } catch {
    return null;
  }
}

/**
 * Starts a private PostgreSQL server (Debian's binaries; initdb as the `postgres` user
 * when running as root) listening only on a unix socket in a temp directory, with user
 * `tandem` trusted. Resolves once it accepts connections.
 */
export async function startPrivatePostgres(options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  if (bin === null)
    throw new Error('PostgreSQL is not installed (apt-get install postgresql), or set PG_BIN to its bin directory');
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-pg-'));
  const dataDir = path.join(dir, 'data');
  const user = runAs();
  if (user) fs.chownSync(dir, user.uid, user.gid);
  const spawnOptions = user ? { uid: user.uid, gid: user.gid } : {};
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    execFileSync(
      path.join(bin, 'initdb'),
      ['-D', dataDir, '-U', 'tandem', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync', '-N'],
      { ...spawnOptions, stdio: 'pipe' },
    );
  }
  const port = 5432;
  const settings = { listen_addresses: '', fsync: 'on', synchronous_commit: 'on', ...options.settings };
  const args = ['-D', dataDir, '-p', String(port), '-k', dir];
  for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
  const child: ChildProcess = spawn(path.join(bin, 'postgres'), args, {
    ...spawnOptions,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (readyLine(dataDir) !== 'ready') {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`PostgreSQL did not start: ${stderr.trim() || 'no output'}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = (database: string): string =>
    `postgres://tandem@/${database}?host=${encodeURIComponent(dir)}&port=${port}`;
  return {
    socketDir: dir,
    port,
    pid: child.pid!,
    url,
    async createDatabase(name) {
      if (!/^\w{1,63}$/.test(name)) throw new Error(`not a database name: ${name}`);
      const admin = openPool(url('postgres'), { max: 1 });
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return url(name);
    },
    async stop({ keep = false } = {}) {
      if (child.exitCode === null) {
        child.kill('SIGCONT');
        child.kill('SIGINT'); // fast shutdown
        await exited;
      }
      if (!keep) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
