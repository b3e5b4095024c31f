import { parentPort, workerData } from 'node:worker_threads';
import { JOBS, JobRefused, type JobName } from './jobs.js';
import { transferList, type JobReply, type JobRequest, type WorkerSettings } from './messages.js';
import { lowerThreadPriority } from './threadPriority.js';

// A worker thread's entry: runs the jobs WorkerPool sends it (some asynchronous), one at a time, and answers
// each with its result (byte arrays transferred), its refusal, or its error.
const port = parentPort;
if (!port) throw new Error('work/worker.ts runs as a worker thread, started by WorkerPool');
// WorkerPool always says how nice to be (its default is WORKER_NICENESS).
lowerThreadPriority((workerData as WorkerSettings).niceness);

port.on('message', async (request: JobRequest) => {
  let reply: JobReply;
  try {
    // Every job takes its own input type; the pool pairs them by name (see WorkerPool.run).
    const run = JOBS[request.job as JobName] as (input: unknown) => unknown;
    reply = { type: 'done', id: request.id, output: await run(request.input) };
  } catch (error) {
    reply =
      error instanceof JobRefused
        ? { type: 'refused', id: request.id, code: error.code, message: error.message }
        : {
            type: 'failed',
            id: request.id,
            message: error instanceof Error ? (error.stack ?? error.message) : String(error),
          };
  }
  port.postMessage(reply, reply.type === 'done' ? transferList(reply.output) : []);
});

port.postMessage({ type: 'ready' } satisfies JobReply);
