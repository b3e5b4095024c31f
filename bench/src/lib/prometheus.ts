/**
 * Just enough of the Prometheus text format to read the server's own view of a run:
 * counters and histograms from two scrapes, before and after a measurement.
 */

/** Sample values by series (metric name plus its label text, e.g. `x_bucket{le="0.005"}`). */
export type Scrape = Map<string, number>;

/** Parses Prometheus text exposition into series → value (comments and blank lines skipped). */
export function parseScrape(text: string): Scrape {
  const series: Scrape = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    if (cut <= 0) continue;
    const value = Number(line.slice(cut + 1));
    if (Number.isFinite(value)) series.set(line.slice(0, cut), value);
  }
  return series;
}

/** How much a counter grew between two scrapes (0 when it is missing from either). */
export function counterDelta(before: Scrape, after: Scrape, name: string): number {
  return (after.get(name) ?? 0) - (before.get(name) ?? 0);
}

/**
 * The `q` quantile of what a histogram observed between two scrapes, as the upper bound
 * of the bucket it falls in (in the histogram's unit); NaN when nothing was observed,
 * Infinity when it lies beyond the last finite bucket.
 */
export function histogramQuantile(before: Scrape, after: Scrape, name: string, q: number): number {
  const prefix = `${name}_bucket{le="`;
  const buckets: { le: number; count: number }[] = [];
  for (const [key, value] of after) {
    if (!key.startsWith(prefix)) continue;
    const bound = key.slice(prefix.length, key.indexOf('"', prefix.length));
    const le = bound === '+Inf' ? Number.POSITIVE_INFINITY : Number(bound);
    buckets.push({ le, count: value - (before.get(key) ?? 0) });
  }
  buckets.sort((a, b) => a.le - b.le);
  const total = buckets.at(-1)?.count ?? 0;
  if (total <= 0) return Number.NaN;
  const rank = q * total;
  return buckets.find((b) => b.count >= rank)?.le ?? Number.POSITIVE_INFINITY;
}
