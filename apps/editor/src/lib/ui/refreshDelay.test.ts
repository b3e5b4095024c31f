import { describe, expect, it } from 'vitest';
import { refreshDelay } from './refreshDelay.js';

describe('refreshDelay', () => {
  it('waits for a pause right after a refresh', () => {
    expect(refreshDelay(1_000, 1_010, 250, 1_000)).toBe(250);
  });

  it('waits less as the longest wait comes near, and not at all once it is over', () => {
    expect(refreshDelay(1_000, 1_900, 250, 1_000)).toBe(100);
    expect(refreshDelay(1_000, 2_000, 250, 1_000)).toBe(0);
    expect(refreshDelay(1_000, 5_000, 250, 1_000)).toBe(0);
  });

  it('keeps refreshing about once per longest wait under changes that never pause', () => {
    // A change every 30 ms for 5 s: each one cancels the pending refresh and asks again.
    let last = 0;
    let pending: number | null = null;
    let refreshes = 0;
    for (let now = 0; now <= 5_000; now += 1) {
      if (pending !== null && now >= pending) {
        refreshes++;
        last = now;
        pending = null;
      }
      if (now % 30 === 0) pending = now + refreshDelay(last, now, 250, 1_000);
    }
    expect(refreshes).toBeGreaterThanOrEqual(4);
  });
});
