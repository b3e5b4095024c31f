import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { JobRefused } from './jobs.js';
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

describe('the worker pool', () => {
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
