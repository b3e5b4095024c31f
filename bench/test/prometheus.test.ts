import { describe, expect, it } from 'vitest';
import { counterDelta, histogramQuantile, parseScrape } from '../src/lib/prometheus.js';

const scrape = (ack: number[], updates: number): string =>
  [
    '# HELP tandem_ack_latency_seconds Time from receiving an update to acknowledging it',
    '# TYPE tandem_ack_latency_seconds histogram',
    ...['0.001', '0.005', '0.01', '+Inf'].map((le, i) => `tandem_ack_latency_seconds_bucket{le="${le}"} ${ack[i]}`),
    `tandem_ack_latency_seconds_count ${ack[3]}`,
    `tandem_updates_in_total ${updates}`,
    '',
  ].join('\n');

describe("reading the server's /metrics", () => {
  it('takes counter growth and histogram quantiles between two scrapes', () => {
    const before = parseScrape(scrape([10, 10, 10, 10], 100));
    // 100 more acks: 50 under 1 ms, 45 more under 5 ms, 4 more under 10 ms, 1 slower.
    const after = parseScrape(scrape([60, 105, 109, 110], 350));
    expect(counterDelta(before, after, 'tandem_updates_in_total')).toBe(250);
    expect(histogramQuantile(before, after, 'tandem_ack_latency_seconds', 0.5)).toBe(0.001);
    expect(histogramQuantile(before, after, 'tandem_ack_latency_seconds', 0.9)).toBe(0.005);
    expect(histogramQuantile(before, after, 'tandem_ack_latency_seconds', 0.99)).toBe(0.01);
    expect(histogramQuantile(before, after, 'tandem_ack_latency_seconds', 0.999)).toBe(Number.POSITIVE_INFINITY);
  });

  it('says NaN when the histogram saw nothing in between', () => {
    const same = parseScrape(scrape([1, 2, 3, 4], 5));
    expect(histogramQuantile(same, same, 'tandem_ack_latency_seconds', 0.99)).toBeNaN();
    expect(histogramQuantile(same, same, 'missing_metric', 0.99)).toBeNaN();
  });
});
