/**
 * Where the tail of the acknowledgement latency on PostgreSQL comes from: one PostgreSQL-backed
 * node at 1,000 updates/s over 10 documents (the cluster scenario's "one node, PostgreSQL" row),
 * in 3-s repetitions, each printed with what PostgreSQL and the server did meanwhile — WAL
 * flushes and their time (`pg_stat_wal`, `track_wal_io_timing`), statements slower than 5 ms
 * (`log_min_duration_statement`), lock waits, checkpoints, autovacuum — the server's commits
 * slower than 10/20/50 ms, its garbage collection pauses (`--trace-gc`) and event-loop lag.
 * `npx tsx --conditions=source src/tools/pg-ack-stalls.ts [reps]` from `bench/`; PG_CPU=n pins
 * PostgreSQL to a core, PG_NICE=n renices it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { postgresBinDir, startPrivatePostgres } from '@tandem/sync-server/private-postgres';
import { ackRep } from '../scenarios/ack.js';
import { parseScrape } from '../lib/prometheus.js';
import { startServer, tandemMetrics } from '../servers/index.js';

const reps = Number(process.argv[2] ?? 8);
const pg = await startPrivatePostgres({
  settings: {
    logging_collector: 'on',
    log_directory: 'log',
    log_min_duration_statement: '5',
    log_checkpoints: 'on',
    log_autovacuum_min_duration: '0',
    track_wal_io_timing: 'on',
    log_lock_waits: 'on',
    deadlock_timeout: '5ms',
  },
});
// PG_CPU=n pins PostgreSQL (the postmaster; the backends it forks inherit it) to core n.
if (process.env.PG_CPU) execFileSync('taskset', ['-a', '-pc', process.env.PG_CPU, String(pg.pid)], { stdio: 'ignore' });
// PG_NICE=n runs PostgreSQL at that niceness (its backends inherit it): tells CPU waits from disk waits.
if (process.env.PG_NICE) execFileSync('renice', ['-n', process.env.PG_NICE, '-p', String(pg.pid)], { stdio: 'ignore' });
const url = await pg.createDatabase('stalls');
const WAL_COLUMNS = [
  'wal_records',
  'wal_bytes',
  'wal_write',
  'wal_sync',
  'wal_write_time',
  'wal_sync_time',
  'wal_buffers_full',
];
/** WAL counters since the server started (through psql: the bench does not depend on a driver). */
async function wal(): Promise<Record<string, number>> {
  const out = execFileSync(
    path.join(postgresBinDir()!, 'psql'),
    ['-At', '-F', ' ', '-d', url, '-c', `SELECT ${WAL_COLUMNS.join(', ')} FROM pg_stat_wal`],
    { encoding: 'utf8' },
  );
  const values = out.trim().split(' ').map(Number);
  return Object.fromEntries(WAL_COLUMNS.map((k, i) => [k, values[i]!]));
}
/** The server's GC time and count so far (prom-client's histogram), and its event-loop lag since the last scrape. */
async function gc(
  server: Parameters<typeof tandemMetrics>[0],
): Promise<{ seconds: number; count: number; lagMax: number; lagP99: number; scrape: Map<string, number> }> {
  const scrape = parseScrape((await tandemMetrics(server)) ?? '');
  let seconds = 0;
  let count = 0;
  const lagMax = (scrape.get('tandem_nodejs_eventloop_lag_max_seconds') ?? Number.NaN) * 1000;
  const lagP99 = (scrape.get('tandem_nodejs_eventloop_lag_p99_seconds') ?? Number.NaN) * 1000;
  for (const [key, value] of scrape) {
    if (key.startsWith('tandem_nodejs_gc_duration_seconds_sum')) seconds += value;
    if (key.startsWith('tandem_nodejs_gc_duration_seconds_count')) count += value;
  }
  return { seconds, count, lagMax, lagP99, scrape };
}
try {
  const server = await startServer('tandem', { cpu: 0, env: { DATABASE_URL: url }, nodeArgs: ['--trace-gc'] });
  // The server's collections, from --trace-gc: each rep prints its pauses of 5 ms or more.
  let pauses: string[] = [];
  server.child.stdout?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      const ms = /: (Scavenge|Mark-Compact)[^,]*, ([\d.]+) \/ [\d.]+ ms/.exec(line);
      if (ms && Number(ms[2]) >= 5) pauses.push(`${ms[1]} ${ms[2]} ms`);
    }
  });
  const cfg = { docs: 10, updatesPerSec: 1000, warmupMs: 300, measureMs: 3000 };
  await ackRep(server, { ...cfg, measureMs: 500 });
  for (let i = 0; i < reps; i++) {
    const [w0, g0] = [await wal(), await gc(server)];
    pauses = [];
    const m = await ackRep(server, cfg);
    const [w1, g1] = [await wal(), await gc(server)];
    const d = (k: string): number => w1[k]! - w0[k]!;
    // Commits slower than 10, 20 and 50 ms: a few are below the commits' p99 but hold up every update behind them.
    const slower = (le: string): number => {
      const key = `tandem_sqlite_commit_seconds_bucket{le="${le}"}`;
      const all = 'tandem_sqlite_commit_seconds_count';
      return g1.scrape.get(all)! - g0.scrape.get(all)! - (g1.scrape.get(key)! - g0.scrape.get(key)!);
    };
    console.log(
      `rep ${i + 1}: ack p50 ${m.p50!.toFixed(2)} p99 ${m.p99!.toFixed(2)} ms · ${m.perCommit!.toFixed(2)}/commit, ` +
        `server's ack p99 ≤ ${m.serverAckP99} commit p99 ≤ ${m.commitP99} ms, > 10/20/50 ms: ${slower('0.01')}/${slower('0.02')}/${slower('0.05')} · WAL ${d('wal_sync')} syncs ${(d('wal_sync_time') / Math.max(1, d('wal_sync'))).toFixed(2)} ms avg ` +
        `(${d('wal_sync_time').toFixed(0)} ms), writes ${d('wal_write_time').toFixed(0)} ms, buffers full ${d('wal_buffers_full')} · ` +
        `GC ${g1.count - g0.count}× ${((g1.seconds - g0.seconds) * 1000).toFixed(0)} ms [${pauses.join('; ')}] · loop lag p99 ${g1.lagP99.toFixed(1)} max ${g1.lagMax.toFixed(1)} ms · other load ${m.otherCpu!.toFixed(2)}`,
    );
  }
  await server.stop();
} finally {
  const logDir = path.join(pg.socketDir, 'data', 'log');
  const lines = fs.existsSync(logDir)
    ? fs.readdirSync(logDir).flatMap((f) => fs.readFileSync(path.join(logDir, f), 'utf8').split('\n'))
    : [];
  const slow = lines.filter((l) => l.includes('duration:'));
  console.log(`PostgreSQL: ${slow.length} statements ≥ 5 ms; the slowest:`);
  for (const l of slow
    .sort((a, b) => Number(/duration: ([\d.]+)/.exec(b)?.[1]) - Number(/duration: ([\d.]+)/.exec(a)?.[1]))
    .slice(0, 12))
    console.log(`  ${l.slice(0, 220)}`);
  for (const l of lines.filter((x) => /checkpoint|autovacuum|automatic|lock/.test(x)).slice(0, 20))
    console.log(`  ${l.slice(0, 220)}`);
  await pg.stop();
}
