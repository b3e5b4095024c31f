/**
 * How long a panel that follows the document waits before refreshing: until changes pause for
 * `pauseMs`, but never more than `maxWaitMs` after its last refresh, so that while others type
 * without a pause (several people at 10 keys a second) it still refreshes about that often
 * instead of never.
 */
export function refreshDelay(lastRefresh: number, now: number, pauseMs: number, maxWaitMs: number): number {
  return Math.min(pauseMs, Math.max(0, lastRefresh + maxWaitMs - now));
}
