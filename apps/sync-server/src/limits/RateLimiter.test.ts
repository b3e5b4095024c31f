import { describe, expect, it } from 'vitest';
import { RateLimiter, perHour } from './RateLimiter.js';

describe('RateLimiter', () => {
  it('gives every key its own burst, then the sustained rate, and says how long to wait', () => {
    let now = 0;
    const limiter = new RateLimiter(perHour(60, 3), { now: () => now });
    for (let i = 0; i < 3; i++) expect(limiter.take('ana')).toEqual({ ok: true });
    expect(limiter.take('ana')).toEqual({ ok: false, retryAfterMs: 60_000 });
    // Someone else is not held back by Ana.
    expect(limiter.take('ben')).toEqual({ ok: true });
    now += 45_000;
    expect(limiter.take('ana')).toEqual({ ok: false, retryAfterMs: 15_000 });
    now += 15_000;
    expect(limiter.take('ana')).toEqual({ ok: true });
    expect(limiter.take('ana')).toMatchObject({ ok: false });
  });

  it('forgets keys whose bucket has refilled, so idle keys cost no memory', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 1, burst: 2 }, { now: () => now });
    for (let i = 0; i < 1_000; i++) limiter.take(`address-${i}`);
    expect(limiter.size).toBe(1_000);
    now += 2_000; // every bucket is full again
    for (let i = 0; i < 1_000; i++) limiter.take(`other-${i}`);
    // Each take forgot two refilled keys: the old thousand are gone, the new thousand (not yet full) stay.
    expect(limiter.size).toBe(1_000);
    now += 2_000;
    for (let i = 0; i < 10; i++) limiter.take('busy');
    expect(limiter.size).toBe(1_000 - 2 * 10 + 1);
  });

  it('keeps at most maxKeys, forgetting the least recently used first', () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1 }, { maxKeys: 3, now: () => 0 });
    for (const key of ['a', 'b', 'c']) expect(limiter.take(key)).toEqual({ ok: true });
    expect(limiter.take('a')).toMatchObject({ ok: false }); // "a" is now the most recently used
    expect(limiter.take('d')).toEqual({ ok: true }); // forgets "b"
    expect(limiter.size).toBe(3);
    expect(limiter.take('a')).toMatchObject({ ok: false }); // still remembered
    expect(limiter.take('b')).toEqual({ ok: true }); // forgotten, so a fresh burst
  });

  it('refuses a rate that could never refill', () => {
    expect(() => new RateLimiter({ perSecond: 0, burst: 1 })).toThrow(RangeError);
    expect(() => new RateLimiter({ perSecond: 1, burst: 0 })).toThrow(RangeError);
  });
});
