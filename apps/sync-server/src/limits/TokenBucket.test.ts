import { describe, expect, it } from 'vitest';
import { TokenBucket } from './TokenBucket.js';

describe('TokenBucket', () => {
  it('lets a burst through at once, then the sustained rate', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 5, () => now);
    for (let i = 0; i < 5; i++) expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    now += 100; // one token back
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    now += 250; // two and a half
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
  });

  it('never holds more than the burst, however long it rests', () => {
    let now = 0;
    const bucket = new TokenBucket(1000, 3, () => now);
    now += 60_000;
    for (let i = 0; i < 3; i++) expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
  });
});
