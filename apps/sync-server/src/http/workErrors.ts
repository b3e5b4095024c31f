import type { ServerResponse } from 'node:http';
import { JobRefused } from '../work/jobs.js';
import { WorkError } from '../work/WorkerPool.js';
import { sendError } from './json.js';

/**
 * Answers a request whose heavy work (see work/) could not run, did not finish, or was
 * refused, with a status and words a person can act on; returns false for any other error.
 *
 * - The queue is full: 503 `SERVER_BUSY` with `Retry-After` (trying again soon helps).
 * - The job ran too long or out of memory: 422 `WORK_TIMEOUT` / `WORK_TOO_LARGE`. The
 *   request is fine and the server is well, but this document is more than the server's
 *   limits allow one request to cost: trying again does not help, so not a 5xx, and there
 *   is no request body too large, so not a 413 (import, which has one, answers 413).
 * - The job refused its input as too large: 422 `TOO_LARGE`; as invalid: 400.
 */
export function sendWorkError(res: ServerResponse, err: unknown): boolean {
  if (err instanceof JobRefused) {
    if (err.code === 'TOO_LARGE') sendError(res, 422, 'TOO_LARGE', err.message);
    else sendError(res, 400, err.code, err.message);
    return true;
  }
  if (!(err instanceof WorkError)) return false;
  switch (err.kind) {
    case 'busy':
      sendError(res, 503, 'SERVER_BUSY', err.message, err.retryAfterSeconds);
      return true;
    case 'closed':
      sendError(res, 503, 'SHUTTING_DOWN', 'The server is restarting; try again in a few seconds.', 5);
      return true;
    case 'timeout':
      sendError(
        res,
        422,
        'WORK_TIMEOUT',
        `${err.message} The document is too large for this here; ask whoever runs the server to allow more time (WORK_TIMEOUT_MS).`,
      );
      return true;
    case 'memory':
      sendError(
        res,
        422,
        'WORK_TOO_LARGE',
        `${err.message} The document is too large for this here; ask whoever runs the server to allow more (WORKER_MEMORY_MB).`,
      );
      return true;
    case 'failed':
      sendError(res, 500, 'INTERNAL', err.message);
      return true;
  }
}
