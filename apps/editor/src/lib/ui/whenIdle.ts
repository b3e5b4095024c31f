/** How long work waiting for an idle moment waits at most. */
const IDLE_TIMEOUT_MS = 1_000;

/** Resolves when the browser has a moment with nothing else to do (or after a second at most). */
export function whenIdle(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: IDLE_TIMEOUT_MS });
    else setTimeout(resolve, 50);
  });
}
