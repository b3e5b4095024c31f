import { TokenBucket } from './TokenBucket.js';

/** A rate: so many a second on average, and up to `burst` at once. */
export interface Rate {
  perSecond: number;
  burst: number;
}

/** A rate given per hour, as settings state it. */
export function perHour(count: number, burst: number): Rate {
  return { perSecond: count / 3600, burst };
}

/** What {@link RateLimiter.take} decided: go ahead, or wait this long before the next try. */
export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

/** Options for {@link RateLimiter}. */
export interface RateLimiterOptions {
  /**
   * Most keys remembered at once. Past it the least recently used key is forgotten, which
   * gives it a fresh burst: memory stays bounded whatever the number of keys (addresses).
   */
  maxKeys?: number;
  /** Clock in milliseconds (tests pass their own). */
  now?: () => number;
}

/** Keys looked at for eviction on each take: enough to keep up with one new key per take. */
const EVICT_PER_TAKE = 2;

/**
 * One token bucket per key (a document id, a user, an address), with bounded memory:
 * a key whose bucket has refilled is forgotten (it would behave like a new one anyway),
 * and at most `maxKeys` are kept. Keys are held in least-recently-used order, so the
 * ones worth forgetting are at the front and each take looks at only a few of them.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(
    private readonly rate: Rate,
    options: RateLimiterOptions = {},
  ) {
    if (!(rate.perSecond > 0) || !(rate.burst >= 1))
      throw new RangeError('a rate needs a positive refill rate and a burst of at least 1');
    this.maxKeys = options.maxKeys ?? 100_000;
    if (!(this.maxKeys >= 1)) throw new RangeError('maxKeys must be at least 1');
    this.now = options.now ?? (() => performance.now());
  }

  /** Number of keys remembered now. */
  get size(): number {
    return this.buckets.size;
  }

  /** Takes one token from `key`'s bucket; over the limit, says how long until one is there. */
  take(key: string): RateDecision {
    let bucket = this.buckets.get(key);
    if (bucket) this.buckets.delete(key);
    else bucket = new TokenBucket(this.rate.perSecond, this.rate.burst, this.now);
    this.buckets.set(key, bucket);
    this.evict(key);
    return bucket.take() ? { ok: true } : { ok: false, retryAfterMs: bucket.msUntilToken() };
  }

  private evict(justUsed: string): void {
    for (let i = 0; i < EVICT_PER_TAKE; i++) {
      const oldest = this.buckets.entries().next().value;
      if (!oldest || oldest[0] === justUsed) return;
      if (!oldest[1].isFull() && this.buckets.size <= this.maxKeys) return;
      this.buckets.delete(oldest[0]);
    }
    // Over the cap by more than one per take (the cap was lowered, or a flood of new keys): catch up.
    while (this.buckets.size > this.maxKeys) {
      const oldest = this.buckets.keys().next().value as string;
      this.buckets.delete(oldest);
    }
  }
}
