const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** How far `iso` is from now, in words ("2 hours ago", "in 30 days"). */
export function fromNow(iso: string): string {
  const seconds = (new Date(iso).getTime() - Date.now()) / 1000;
  const steps: [number, number, Intl.RelativeTimeFormatUnit][] = [
    [60, 1, 'second'],
    [3600, 60, 'minute'],
    [86400, 3600, 'hour'],
    [604800, 86400, 'day'],
    [2629800, 604800, 'week'],
    [31557600, 2629800, 'month'],
  ];
  for (const [limit, divisor, unit] of steps) {
    if (Math.abs(seconds) < limit) return relative.format(Math.round(seconds / divisor), unit);
  }
  return relative.format(Math.round(seconds / 31557600), 'year');
}
