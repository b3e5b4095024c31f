import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { JobRefused } from './jobs.js';
import { WORKER_NICENESS } from './threadPriority.js';
import { WorkError, WorkerPool, type WorkerPoolOptions } from './WorkerPool.js';

const log = pino({ level: 'silent' });
/** Markdown that takes a worker seconds to import (2 MiB of alternating emphasis). */
const SLOW_MARKDOWN = '*a'.repeat(1024 * 1024);
const NO_LIMIT = 1024 * 1024 * 1024;

let pool: WorkerPool | null = null;
afterEach(async () => {
  await pool?.close();
  pool = null;
});

function start(options: Partial<WorkerPoolOptions> = {}): WorkerPool {
  pool = new WorkerPool({ threads: 1, timeoutMs: 60_000, memoryMb: 512, queueMax: 8, log, ...options });
  return pool;
}

/** The reason a promise was rejected (fails the test if it resolved). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the job to fail'),
    (error: unknown) => error,
  );
}

/** Every thread of this process, with its niceness (`/proc/self/task/<tid>/stat`, field 19). */
function threadNiceness(): Map<number, number> {
  const niceness = new Map<number, number>();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // Fields after the command name (in parentheses, which may hold spaces) start at field 3.
    niceness.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
  }
  return niceness;
}

describe('the worker pool', () => {
  it('runs its workers at a lower CPU priority than the event loop, which keeps its own', async () => {
    const before = threadNiceness();
    const work = start({ threads: 2 });
    // Both workers busy at once, so both have started.
    await Promise.all(
      [1, 2].map(() => work.run('importMarkdown', { markdown: 'x', title: '', maxStateBytes: NO_LIMIT })),
    );
    const after = threadNiceness();
    const lowered = [...after].filter(([tid, nice]) => !before.has(tid) && nice === WORKER_NICENESS);
    expect(lowered.length).toBeGreaterThanOrEqual(2);
    expect(after.get(process.pid)).toBe(before.get(process.pid));
    expect(after.get(process.pid)).toBeLessThan(WORKER_NICENESS);
  });

  it('runs a pool started at niceness 0 at the event loop’s priority', async () => {
    const before = threadNiceness();
    const work = start({ niceness: 0 });
    await work.run('importMarkdown', { markdown: 'x', title: '', maxStateBytes: NO_LIMIT });
    const started = [...threadNiceness()].filter(([tid]) => !before.has(tid));
    expect(started.length).toBeGreaterThanOrEqual(1);
    for (const [, nice] of started) expect(nice).toBe(before.get(process.pid));
  });

  it('starts a worker ahead of the first job when warmed, and that job runs on it', async () => {
    const work = start({ threads: 2 });
    expect(work.started).toBe(0);
    work.warm();
    work.warm();
    expect(work.started).toBe(1);
    await work.run('importMarkdown', { markdown: 'x', title: '', maxStateBytes: NO_LIMIT });
    expect(work.started).toBe(1);
    await work.close();
    work.warm();
    expect(work.started).toBe(0);
  });

  it('runs a job on a worker thread and hands back its bytes', async () => {
    const work = start();
    const content = await work.run('importMarkdown', {
      markdown: '# Plan\n\nStep one',
      title: '',
      maxStateBytes: NO_LIMIT,
    });
    expect(content.title).toBe('Plan');
    const doc = new Y.Doc();
    Y.applyUpdate(doc, content.state);
    expect(doc.getXmlFragment('prosemirror').length).toBe(2);
    expect(content.stateVector).toEqual(Y.encodeStateVector(doc));
  });

  it('passes a refusal on with its code and words', async () => {
    const work = start();
    const error = await rejection(
      work.run('importMarkdown', { markdown: 'x\n\n'.repeat(1_000), title: '', maxStateBytes: 1_000 }),
    );
    expect(error).toBeInstanceOf(JobRefused);
    expect(error).toMatchObject({ code: 'TOO_LARGE', message: expect.stringMatching(/at most 1 KiB/) });
  });

  it('stops a job that runs too long, and runs the next one on a fresh worker', async () => {
    const work = start({ timeoutMs: 500 });
    const error = await rejection(
      work.run('importMarkdown', { markdown: SLOW_MARKDOWN, title: '', maxStateBytes: NO_LIMIT }),
    );
    expect(error).toBeInstanceOf(WorkError);
    expect(error).toMatchObject({ kind: 'timeout', message: expect.stringContaining('0.5 s') });
    const after = await work.run('importMarkdown', { markdown: 'still here', title: '', maxStateBytes: NO_LIMIT });
    expect(after.title).toBe('still here');
  });

  it('refuses a job at once when the queue is full, saying when to try again', async () => {
    const work = start({ queueMax: 1 });
    const running = rejection(
      work.run('importMarkdown', { markdown: SLOW_MARKDOWN, title: '', maxStateBytes: NO_LIMIT }),
    );
    const waiting = rejection(work.run('importMarkdown', { markdown: 'next', title: '', maxStateBytes: NO_LIMIT }));
    const refused = await rejection(
      work.run('importMarkdown', { markdown: 'one too many', title: '', maxStateBytes: NO_LIMIT }),
    );
    expect(refused).toMatchObject({ kind: 'busy' });
    expect((refused as WorkError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(work.waiting).toBe(1);
    await work.close();
    // Closing the pool ends both: the one running and the one waiting.
    expect(await running).toMatchObject({ kind: 'closed' });
    expect(await waiting).toMatchObject({ kind: 'closed' });
  });

  it('stops a job that needs more memory than a worker may use', async () => {
    const work = start({ memoryMb: 64 });
    const error = await rejection(
      work.run('importMarkdown', { markdown: 'x\n\n'.repeat(300_000), title: '', maxStateBytes: NO_LIMIT }),
    );
    expect(error).toMatchObject({ kind: 'memory', message: expect.stringContaining('64 MB') });
    expect((await work.run('importMarkdown', { markdown: 'ok', title: '', maxStateBytes: NO_LIMIT })).title).toBe('ok');
  });

  it('does not keep the process alive once its jobs are done', async () => {
    const poolModule = new URL('./WorkerPool.ts', import.meta.url).href;
    // A process that runs one job and then simply ends its script, without closing the pool.
    const script = `
      import { pino } from 'pino';
      const { WorkerPool } = await import(${JSON.stringify(poolModule)});
      const pool = new WorkerPool({ threads: 1, timeoutMs: 60000, memoryMb: 256, queueMax: 1, log: pino({ level: 'silent' }) });
      const done = await pool.run('importMarkdown', { markdown: 'hello', title: '', maxStateBytes: 1e9 });
      console.log('job done: ' + done.title);
    `;
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: path.dirname(fileURLToPath(import.meta.url)),
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // A process kept alive by an idle worker would never exit: give it up after a while.
    const giveUp = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal })),
    );
    clearTimeout(giveUp);
    expect(output).toContain('job done: hello');
    expect(signal).toBeNull();
    expect(code).toBe(0);
  });
});
