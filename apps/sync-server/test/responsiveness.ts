import type { TestServer } from './helpers.js';

/** What another person saw while some heavy request ran. */
export interface Responsiveness<T> {
  result: T;
  /** Milliseconds from a keystroke in one client to its arrival in another, one per keystroke. */
  keystrokes: number[];
  /** Milliseconds `/healthz` took to answer 200, one per request. */
  health: number[];
  /** `/healthz` requests that did not answer 200. */
  healthFailures: number;
}

/**
 * Limits for what another person sees while heavy work runs. The target is a keystroke
 * round trip under 100 ms at the 99th percentile; the limits leave a wide margin for a
 * shared, busy test machine. Work done on the event loop instead blows them by seconds.
 */
export const KEYSTROKE_P99_LIMIT_MS = 500;
/** The slowest `/healthz` answer allowed meanwhile. */
export const HEALTH_LIMIT_MS = 2_000;

/** How long a keystroke is waited for before it counts as lost. */
const KEYSTROKE_GIVE_UP_MS = 10_000;

/** The `p`-th percentile (0–100) of `values`, by nearest rank; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Runs `work` while, on the side, one person types into a document another person has
 * open (each keystroke timed from the writer's edit to the reader's copy) and a monitor
 * asks `/healthz` over and over, measuring both as it happens. Resolves once `work` is done.
 */
export async function measureWhile<T>(ts: TestServer, work: () => Promise<T>): Promise<Responsiveness<T>> {
  const writer = ts.client().open('responsiveness-probe');
  const reader = ts.client().open('responsiveness-probe');
  await Promise.all([writer.whenSynced(), reader.whenSynced()]);
  const keystrokes: number[] = [];
  const health: number[] = [];
  let healthFailures = 0;
  let running = true;

  const typing = (async () => {
    const text = writer.doc.getText('t');
    while (running) {
      const target = text.length + 1;
      const arrived = new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(giveUp);
          reader.doc.off('update', check);
          resolve();
        };
        const check = (): void => {
          if (reader.doc.getText('t').length >= target) done();
        };
        // A keystroke that never arrives counts as this slow, and the typing goes on.
        const giveUp = setTimeout(done, KEYSTROKE_GIVE_UP_MS);
        reader.doc.on('update', check);
      });
      const started = performance.now();
      text.insert(text.length, 'k');
      await arrived;
      keystrokes.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();

  const monitoring = (async () => {
    while (running) {
      const started = performance.now();
      try {
        const res = await fetch(`${ts.url}/healthz`);
        await res.arrayBuffer();
        if (res.status === 200) health.push(performance.now() - started);
        else healthFailures++;
      } catch {
        healthFailures++;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();

  try {
    const result = await work();
    return { result, keystrokes, health, healthFailures };
  } finally {
    running = false;
    await Promise.all([typing, monitoring]);
  }
}
