import type { Logger } from 'pino';

/** How often a sweep runs: what it removes goes within this long after it is due. */
const SWEEP_EVERY_MS = 60 * 60 * 1000;
/** The first sweep, soon after start (not at once: the server is busy starting). */
const FIRST_SWEEP_MS = 1000;

/**
 * A background clean-up run hourly (and soon after start) on a timer that never keeps the
 * process alive, one run at a time; `sweepOnce` does the work and says how much went.
 */
export abstract class HourlySweep {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly sweepLog: Logger,
    /** What a failed sweep is logged as. */
    private readonly failure: string,
  ) {}

  /** Does one sweep's work at `now`; resolves how many things went. */
  protected abstract sweepOnce(now: number): Promise<number>;

  /** Starts sweeping on a timer. */
  start(): void {
    if (this.timer) return;
    const tick = (): void => void this.sweep().catch((err: unknown) => this.sweepLog.warn({ err }, this.failure));
    this.timer = setInterval(tick, SWEEP_EVERY_MS).unref();
    setTimeout(tick, FIRST_SWEEP_MS).unref();
  }

  /** Stops the timer; resolves once a sweep under way is done. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** Sweeps what is due at `now`; resolves how many went. One sweep at a time. */
  sweep(now = Date.now()): Promise<number> {
    this.running ??= this.sweepOnce(now).finally(() => (this.running = null));
    return this.running;
  }
}
