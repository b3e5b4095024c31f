import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { JobRefused, type JobInput, type JobName, type JobOutput } from './jobs.js';
import type { JobReply, JobRequest, WorkerSettings } from './messages.js';
import { WORKER_NICENESS } from './threadPriority.js';

/** Limits of a {@link WorkerPool}; see the README's configuration table. */
export interface WorkerPoolOptions {
  /** Worker threads running jobs at once. */
  threads: number;
  /** A job running longer than this is stopped (its worker is terminated and replaced). */
  timeoutMs: number;
  /** Heap a worker may use (`resourceLimits.maxOldGenerationSizeMb`); a job that needs more is stopped. */
  memoryMb: number;
  /** Jobs that may wait for a free worker; beyond them a job is refused at once. */
  queueMax: number;
  /**
   * The workers' CPU priority (Linux niceness; 0 is the event loop's): background work yields
   * the core to relaying keystrokes. Default {@link WORKER_NICENESS}.
   */
  niceness?: number;
  log: Logger;
}

/** Why a job did not give a result (a refusal by the job itself is a {@link JobRefused}). */
export type WorkFailure = 'busy' | 'timeout' | 'memory' | 'failed' | 'closed';

/** A job that could not run or did not finish; `kind` says why. */
export class WorkError extends Error {
  override readonly name = 'WorkError';
  constructor(
    readonly kind: WorkFailure,
    message: string,
    /** For `busy`: seconds after which trying again is likely to succeed. */
    readonly retryAfterSeconds = 0,
  ) {
    super(message);
  }
}

interface Job {
  id: number;
  name: JobName;
  input: unknown;
  resolve(output: unknown): void;
  reject(error: Error): void;
}

/** One worker thread and the job it runs. */
interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | null;
  timer: ReturnType<typeof setTimeout> | null;
  startedAt: number;
  /** Set when the pool stopped the worker (timeout, close): its exit is expected. */
  retired: boolean;
}

/**
 * How to start a worker. Production runs the compiled `dist/work/worker.js`. Tests run
 * the server from TypeScript sources (this module is then `WorkerPool.ts`), so the worker
 * starts on `worker.ts` with tsx's loader registered inside it, and `--conditions=source`
 * makes `@tandem/crdt-bridge` resolve to its sources as in the tests. (Node 20 does not run
 * `--import` for worker threads, so the loader is registered by a small script first.)
 */
function workerStart(
  memoryMb: number,
  niceness: number,
): { target: string | URL; options: ConstructorParameters<typeof Worker>[1] } {
  const resourceLimits = { maxOldGenerationSizeMb: memoryMb };
  const workerData: WorkerSettings = { niceness };
  if (!import.meta.url.endsWith('.ts'))
    return { target: new URL('./worker.js', import.meta.url), options: { resourceLimits, workerData } };
  const entry = new URL('./worker.ts', import.meta.url).href;
  // tsx's ESM API; the path of its CommonJS twin is what `require.resolve` finds.
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return { target: boot, options: { eval: true, execArgv: ['--conditions=source'], resourceLimits, workerData } };
}

/**
 * Long-lived worker threads for the heavy work requests trigger (parsing, rendering,
 * diffing, restoring: see jobs.ts), so the event loop stays free for everyone's
 * keystrokes. Every job is bounded: at most `threads` run at once, at most `queueMax`
 * wait, each runs at most `timeoutMs` (then its worker is terminated and replaced) in at
 * most `memoryMb` of heap. Idle workers do not keep the process alive.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  /** Recent job durations, smoothed, to tell a refused caller when to try again. */
  private averageMs = 1_000;

  constructor(private readonly options: WorkerPoolOptions) {}

  /** Jobs waiting for a worker. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Jobs running now. */
  get running(): number {
    return this.slots.filter((s) => s.job !== null).length;
  }

  /** Worker threads started and not stopped. */
  get started(): number {
    return this.slots.length;
  }

  /**
   * Starts a worker now, when the pool has none, so the first job does not wait for one to
   * load (a quarter to half a second here). An idle worker does not keep the process alive.
   */
  warm(): void {
    if (!this.closed && this.slots.length === 0 && this.options.threads > 0) this.spawn();
  }

  /**
   * Runs job `name` on a worker. Rejects with a {@link JobRefused} when the job refuses
   * its input, and with a {@link WorkError} when it cannot run or finish: the queue is
   * full (`busy`), it ran too long (`timeout`) or out of memory (`memory`), it failed, or
   * the pool is closed.
   */
  run<K extends JobName>(name: K, input: JobInput<K>): Promise<JobOutput<K>> {
    if (this.closed) return Promise.reject(new WorkError('closed', 'The server is shutting down.'));
    return new Promise<JobOutput<K>>((resolve, reject) => {
      const job: Job = { id: this.nextId++, name, input, resolve: resolve as (output: unknown) => void, reject };
      const slot = this.idleSlot();
      if (slot) {
        this.start(slot, job);
        return;
      }
      if (this.queue.length >= this.options.queueMax) {
        reject(
          new WorkError(
            'busy',
            'The server is busy with other large requests; try again in a few seconds.',
            this.retryAfterSeconds(),
          ),
        );
        return;
      }
      this.queue.push(job);
    });
  }

  /** Stops every worker; jobs running or waiting are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    const closing = new WorkError('closed', 'The server is shutting down.');
    for (const job of this.queue.splice(0)) job.reject(closing);
    await Promise.all(
      this.slots.splice(0).map((slot) => {
        slot.retired = true;
        this.finish(slot)?.reject(closing);
        return slot.worker.terminate();
      }),
    );
  }

  /** A worker free to take a job now, started if the pool has room for one more. */
  private idleSlot(): Slot | null {
    const idle = this.slots.find((s) => s.job === null);
    if (idle) return idle;
    return this.slots.length < this.options.threads ? this.spawn() : null;
  }

  /** Hands `job` to `slot`; the clock starts once the worker has loaded (a new one takes a moment). */
  private start(slot: Slot, job: Job): void {
    slot.job = job;
    slot.worker.ref(); // A job in flight keeps the process alive; an idle worker must not.
    slot.worker.postMessage({ id: job.id, job: job.name, input: job.input } satisfies JobRequest);
    if (slot.ready) this.startClock(slot);
  }

  private startClock(slot: Slot): void {
    slot.startedAt = performance.now();
    slot.timer = setTimeout(() => {
      const job = this.finish(slot);
      if (!job) return;
      this.options.log.warn({ job: job.name, ms: this.options.timeoutMs }, 'job stopped: it ran too long');
      job.reject(
        new WorkError('timeout', `This took longer than the ${this.options.timeoutMs / 1000} s the server allows.`),
      );
      this.retire(slot);
    }, this.options.timeoutMs);
  }

  /** Ends the slot's current job (if any) and returns it, so the caller settles it. */
  private finish(slot: Slot): Job | null {
    const job = slot.job;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
    if (!slot.retired) slot.worker.unref();
    if (job) {
      const ms = performance.now() - slot.startedAt;
      if (slot.ready && ms > 0) this.averageMs = this.averageMs * 0.8 + ms * 0.2;
    }
    return job;
  }

  /** Terminates a slot's worker and takes the next waiting job on a fresh one. */
  private retire(slot: Slot): void {
    slot.retired = true;
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    void slot.worker.terminate();
    this.pump();
  }

  /** Gives waiting jobs to free workers. */
  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      const slot = this.idleSlot();
      if (!slot) return;
      this.start(slot, this.queue.shift()!);
    }
  }

  private spawn(): Slot {
    const { target, options } = workerStart(this.options.memoryMb, this.options.niceness ?? WORKER_NICENESS);
    const worker = new Worker(target, options);
    worker.unref();
    const slot: Slot = { worker, ready: false, job: null, timer: null, startedAt: 0, retired: false };
    let outOfMemory = false;
    worker.on('message', (reply: JobReply) => this.onReply(slot, reply));
    worker.on('error', (error: Error & { code?: string }) => {
      // Out of memory arrives as an error, then the exit below settles the job.
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') outOfMemory = true;
      else this.options.log.error({ err: error }, 'worker thread failed');
    });
    worker.on('exit', (code) => {
      if (slot.retired) return;
      const job = this.finish(slot);
      if (job) {
        this.options.log.warn({ job: job.name, code, outOfMemory }, 'job stopped: its worker exited');
        job.reject(
          outOfMemory
            ? new WorkError(
                'memory',
                `This needs more than the ${this.options.memoryMb} MB of memory the server allows.`,
              )
            : new WorkError('failed', 'The server could not finish this request.'),
        );
      }
      this.retire(slot);
    });
    this.slots.push(slot);
    return slot;
  }

  private onReply(slot: Slot, reply: JobReply): void {
    if (reply.type === 'ready') {
      slot.ready = true;
      if (slot.job) this.startClock(slot);
      return;
    }
    if (slot.job?.id !== reply.id) return;
    const job = this.finish(slot)!;
    switch (reply.type) {
      case 'done':
        job.resolve(reply.output);
        break;
      case 'refused':
        job.reject(new JobRefused(reply.code, reply.message));
        break;
      case 'failed':
        this.options.log.error({ job: job.name, error: reply.message }, 'job failed');
        job.reject(new WorkError('failed', 'The server could not finish this request.'));
        break;
    }
    this.pump();
  }

  /** A guess of how long until a waiting job would start, in whole seconds (1–60). */
  private retryAfterSeconds(): number {
    const jobs = this.queue.length + this.running;
    return Math.min(60, Math.max(1, Math.ceil((this.averageMs * jobs) / this.options.threads / 1000)));
  }
}
