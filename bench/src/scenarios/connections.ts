/**
 * Scenario 4 — idle connections. Worker processes (on the load generator's CPU) open N
 * connections, each joined to one of 100 documents, and leave them idle; the server's RSS
 * growth divided by N is its memory per connection. Then scenario 1 (10 clients/doc) runs
 * while they stay connected.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { canRaiseNoFile, hardNoFileLimit, hasProgram } from '../lib/proc.js';
import { BENCH_DIR, note, sleep, withTimeout } from '../lib/util.js';
import type { ServerKind, ServerProcess } from '../servers/index.js';
import {
  freshDocId,
  withServers,
  type MetricSpec,
  type RepMetrics,
  type RunOptions,
  type ScenarioResult,
} from './common.js';
import { latencyRep } from './latency.js';

const METRICS: MetricSpec[] = [
  { key: 'kbPerConn', label: 'RSS per connection', unit: 'KB', better: 'lower', show: true, verdict: true },
  { key: 'rssMB', label: 'server RSS with all connected', unit: 'MB', better: 'lower', show: true },
  { key: 'connectPerSec', label: 'connect + join rate', unit: '/s', better: 'higher', show: true, digits: 0 },
  { key: 'opened', label: 'connections', unit: '', better: 'higher', show: true, digits: 0 },
  { key: 'p50', label: 'keystroke p50 meanwhile', unit: 'ms', better: 'lower', show: true },
  { key: 'p99', label: 'keystroke p99 meanwhile', unit: 'ms', better: 'lower', show: true },
  { key: 'p99Idle', label: 'keystroke p99 before they connect', unit: 'ms', better: 'lower', show: true },
  { key: 'p99Ratio', label: 'p99 meanwhile ÷ before', unit: '×', better: 'lower', show: true },
];

/** Scenario 1 at 10 clients per document, as measured with and without the idle connections. */
function keystrokes(server: ServerProcess, latencyMs: number): ReturnType<typeof latencyRep> {
  return latencyRep(server, {
    clientsPerDoc: 10,
    docs: 4,
    writersPerDoc: 3,
    keysPerSec: 10,
    awarenessHz: 10,
    warmupMs: 300,
    measureMs: latencyMs,
    drainMs: 2_000,
  });
}

const WORKER = path.join(BENCH_DIR, 'src/scenarios/connections-worker.ts');
const PER_WORKER = 5_000;

/** A worker process that opens and holds idle connections, pinned to the generator's CPU when `pin`. */
export function startWorker(pin: boolean): ChildProcess {
  const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const args = ['--import', loader, WORKER];
  // Raise the open-files limit when we may (root, prlimit); pin to the generator's CPU.
  let command = process.execPath;
  let full = args;
  if (pin && hasProgram('taskset')) {
    full = ['-c', '1', command, ...full];
    command = 'taskset';
  }
  if (hasProgram('prlimit') && canRaiseNoFile()) {
    full = ['--nofile=65536:65536', '--', command, ...full];
    command = 'prlimit';
  }
  // fork() needs a Node entry; run the wrapper chain through execPath with an IPC channel.
  return fork(WORKER, [], {
    execPath: command,
    execArgv: full.slice(0, full.length - 1),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** Sends `message` to `worker` (none: just wait) and resolves with its first reply of type `expect`. */
export function request<T>(worker: ChildProcess, message: unknown, expect: string, timeoutMs: number): Promise<T> {
  return withTimeout(
    new Promise<T>((resolve) => {
      const onMessage = (reply: { type: string }): void => {
        if (reply.type !== expect) return;
        worker.off('message', onMessage);
        resolve(reply as T);
      };
      worker.on('message', onMessage);
      if (message) worker.send(message as object);
    }),
    timeoutMs,
    `worker ${expect}`,
  );
}

async function connectionsRep(
  server: ServerProcess,
  count: number,
  pin: boolean,
  latencyMs: number,
): Promise<RepMetrics> {
  const workers: ChildProcess[] = [];
  try {
    // The idle-server figure, on the same server before the connections open. The RSS baseline
    // comes after it: what the typing itself grew (compiled code, the documents it opened, the
    // young generation) is not the idle connections' and would be spread over them.
    const idle = latencyMs > 0 ? await keystrokes(server, latencyMs) : null;
    await sleep(500);
    const before = server.sample()?.rssBytes ?? Number.NaN;
    const started = performance.now();
    const prefix = freshDocId('idle');
    let opened = 0;
    let failed = 0;
    const jobs: Promise<void>[] = [];
    for (let left = count; left > 0; left -= PER_WORKER) {
      const worker = startWorker(pin);
      workers.push(worker);
      await request(worker, null, 'ready', 30_000);
      jobs.push(
        request<{ opened: number; failed: number; firstError: string }>(
          worker,
          {
            type: 'open',
            kind: server.kind,
            port: server.port,
            count: Math.min(PER_WORKER, left),
            docs: 100,
            docPrefix: prefix,
          },
          'opened',
          10 * 60_000,
        ).then((r) => {
          opened += r.opened;
          failed += r.failed;
          if (r.failed) note(`${server.kind}: ${r.failed} connections failed: ${r.firstError}`);
        }),
      );
    }
    await Promise.all(jobs);
    const seconds = (performance.now() - started) / 1000;
    await sleep(1_000);
    const after = server.sample()?.rssBytes ?? Number.NaN;
    let p50 = Number.NaN;
    let p99 = Number.NaN;
    if (latencyMs > 0) {
      const lat = await keystrokes(server, latencyMs);
      p50 = lat.p50!;
      p99 = lat.p99!;
    }
    return {
      kbPerConn: (after - before) / 1024 / Math.max(1, opened),
      rssMB: after / 1048576,
      connectPerSec: opened / seconds,
      opened,
      failed,
      p50,
      p99,
      p99Idle: idle?.p99 ?? Number.NaN,
      p99Ratio: idle?.p99 ? p99 / idle.p99 : Number.NaN,
    };
  } finally {
    // Stop the server's side first would be kinder to ports; here workers close their sockets and exit.
    for (const worker of workers) {
      try {
        worker.send({ type: 'close' });
      } catch {
        // already gone
      }
    }
    await Promise.all(
      workers.map((w) =>
        w.exitCode !== null
          ? Promise.resolve()
          : withTimeout(new Promise<void>((resolve) => w.once('exit', () => resolve())), 15_000, 'worker exit').catch(
              () => {
                w.kill('SIGKILL');
              },
            ),
      ),
    );
  }
}

export async function runConnections(run: RunOptions, wanted: number, latencyMs: number): Promise<ScenarioResult[]> {
  const started = performance.now();
  // The server needs one descriptor per connection plus its own few; without the right to
  // raise the hard limit, stay under it and say so.
  const hard = hardNoFileLimit();
  const notes: string[] = ['One repetition per server (memory is not noisy the way time is); each server fresh.'];
  let count = wanted;
  if (!canRaiseNoFile() && Number.isFinite(hard) && wanted > hard - 500) {
    count = Math.max(100, hard - 500);
    notes.push(
      `The open-files hard limit is ${hard} and cannot be raised here, so ${count.toLocaleString('en-US')} ` +
        `connections stand in for ${wanted.toLocaleString('en-US')}; per-connection memory is unaffected.`,
    );
    note(notes[1]!);
  }
  const reps: Partial<Record<ServerKind, RepMetrics[]>> = {};
  // One fresh server at a time: memory is the measure, so nothing else may share its heap.
  for (const kind of run.servers) {
    await withServers(
      [kind],
      run,
      () => ({ noFile: count + 1_000 }),
      async ([server]) => {
        reps[kind] = [await connectionsRep(server!, count, run.pin, latencyMs)];
        note(`connections: ${kind}: ${reps[kind]![0]!.opened} open, ${reps[kind]![0]!.kbPerConn!.toFixed(1)} KB each`);
      },
    );
  }
  return [
    {
      id: 'connections',
      title: `4. ${count.toLocaleString('en-US')} idle connections`,
      description:
        `${count.toLocaleString('en-US')} connections (each joined to one of 100 documents, then idle), opened from worker processes; ` +
        `server RSS growth per connection (target ≤ 12 KB), then keystroke latency at 10 clients/doc while they stay connected.`,
      config: { count, latencyMs },
      servers: [...run.servers],
      metrics: METRICS,
      reps,
      notes,
      seconds: (performance.now() - started) / 1000,
    },
  ];
}
