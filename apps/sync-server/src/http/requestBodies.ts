import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { LogThrottle } from '../logThrottle.js';
import { BadRequest, sendError } from './json.js';

/** Limits on HTTP request bodies as they arrive. */
export interface BodyLimits {
  /** Most bodies being received at once; more are answered 503 without being read. */
  maxConcurrent: number;
  /** A body not fully received this long after its headers is answered 408, and its connection closed. */
  timeoutMs: number;
}

/** Seconds a client refused for too many uploads at once is asked to wait. */
const BUSY_RETRY_SECONDS = 5;

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Bounds what request bodies can hold: each request with a body takes a slot until its body
 * has arrived (or its connection closed), and must arrive within the time limit. A client
 * that sends slowly, or stops, holds its slot and what was read of its body only that long;
 * when every slot is taken, more bodies are refused at once, unread.
 */
export class RequestBodies {
  private receiving = 0;
  private readonly refusals: LogThrottle;

  constructor(
    private readonly limits: BodyLimits,
    private readonly log: Logger,
  ) {
    this.refusals = new LogThrottle(log);
  }

  /** Bodies being received now. */
  get active(): number {
    return this.receiving;
  }

  /** Call before routing a request; false when the request was answered here (too many bodies at once). */
  admit(req: IncomingMessage, res: ServerResponse): boolean {
    if (!hasBody(req)) return true;
    if (this.receiving >= this.limits.maxConcurrent) {
      this.refusals.warn('busy', { receiving: this.receiving }, 'request body refused: too many being received');
      // The body is not read; the connection goes, so nothing more of it is either.
      res.setHeader('connection', 'close');
      sendError(
        res,
        503,
        'SERVER_BUSY',
        'The server is receiving too many uploads right now. Try again in a few seconds.',
        BUSY_RETRY_SECONDS,
      );
      return false;
    }
    this.receiving++;
    let done = false;
    const release = (): void => {
      if (done) return;
      done = true;
      this.receiving--;
      clearTimeout(timer);
    };
    const timer = setTimeout(() => {
      if (done) return;
      release();
      this.log.info({ url: req.url }, 'request body too slow: answered 408 and closing the connection');
      if (res.headersSent) {
        req.destroy();
        return;
      }
      const seconds = Math.max(1, Math.round(this.limits.timeoutMs / 1000));
      const timedOut = new BadRequest(
        408,
        'BODY_TIMEOUT',
        `The upload did not arrive within ${seconds} second${seconds === 1 ? '' : 's'}. Check the connection and try again.`,
      );
      res.setHeader('connection', 'close');
      sendError(res, timedOut.status, timedOut.code, timedOut.message);
      // Whoever was reading the body stops with this error; the response above has gone out first.
      res.once('finish', () => req.destroy(timedOut));
    }, this.limits.timeoutMs);
    timer.unref();
    req.once('end', release);
    req.once('close', release);
    return true;
  }
}
