/** How many editors the home list names before "and N more". */
const NAMED_EDITORS = 3;

const STEPS: [limit: number, divisor: number, unit: Intl.RelativeTimeFormatUnit][] = [
  [60, 1, 'second'],
  [3600, 60, 'minute'],
  [86400, 3600, 'hour'],
  [604800, 86400, 'day'],
  [2629800, 604800, 'week'],
  [31557600, 2629800, 'month'],
];

/** "2 seconds ago", "yesterday", "3 weeks ago": how long ago `iso` was, in `locale` (the browser's by default). */
export function timeAgo(iso: string, now: number = Date.now(), locale?: string): string {
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const seconds = (new Date(iso).getTime() - now) / 1000;
  for (const [limit, divisor, unit] of STEPS) {
    if (Math.abs(seconds) < limit) return relative.format(Math.round(seconds / divisor), unit);
  }
  return relative.format(Math.round(seconds / 31557600), 'year');
}

/** "Edited 2 seconds ago by Ana, Ben, Cy and 2 more": the line under a document's title in the list. */
export function editedLine(
  updatedAt: string,
  editors: readonly string[],
  now: number = Date.now(),
  locale?: string,
): string {
  const when = `Edited ${timeAgo(updatedAt, now, locale)}`;
  if (editors.length === 0) return when;
  const named = editors.slice(0, NAMED_EDITORS).join(', ');
  const more = editors.length > NAMED_EDITORS ? ` and ${editors.length - NAMED_EDITORS} more` : '';
  return `${when} by ${named}${more}`;
}
