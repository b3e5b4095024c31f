import type { Logger } from 'pino';

/**
 * Logs a recurring warning at most once per interval per kind, saying how many were left
 * out since: under attack the same refusal can come hundreds of times a second, and a
 * log line each (written synchronously) would cost the event loop more than the refusal.
 */
export class LogThrottle {
  private readonly last = new Map<string, { at: number; skipped: number }>();

  constructor(
    private readonly log: Logger,
    private readonly intervalMs = 1_000,
  ) {}

  /** Logs `message` as a warning unless one of this `kind` was logged within the interval. */
  warn(kind: string, fields: Record<string, unknown>, message: string): void {
    const now = Date.now();
    const seen = this.last.get(kind);
    if (seen && now - seen.at < this.intervalMs) {
      seen.skipped++;
      return;
    }
    this.log.warn(seen?.skipped ? { ...fields, alikeNotLogged: seen.skipped } : fields, message);
    this.last.set(kind, { at: now, skipped: 0 });
  }
}
