import { USER_COLORS, type VersionJSON } from '@tandem/crdt-bridge';

/** Versions of one calendar day (local time), newest first. */
export interface DayGroup {
  /** `YYYY-MM-DD`, stable for keys and ids. */
  key: string;
  label: string;
  versions: VersionJSON[];
}

function dayKey(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** "Today", "Yesterday", or the date, for a day heading. */
export function dayLabel(date: Date, now: Date = new Date()): string {
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (dayKey(date) === dayKey(now)) return 'Today';
  if (dayKey(date) === dayKey(yesterday)) return 'Yesterday';
  return date.toLocaleDateString(undefined, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    ...(date.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }),
  });
}

/** Groups versions (newest first) by local day, keeping their order. */
export function groupByDay(versions: readonly VersionJSON[], now: Date = new Date()): DayGroup[] {
  const groups: DayGroup[] = [];
  for (const version of versions) {
    const date = new Date(version.createdAt);
    const key = dayKey(date);
    const last = groups.at(-1);
    if (last?.key === key) last.versions.push(version);
    else groups.push({ key, label: dayLabel(date, now), versions: [version] });
  }
  return groups;
}

/** The time of day of a version, e.g. "14:05". */
export function timeLabel(version: VersionJSON): string {
  return new Date(version.createdAt).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** How a version is called in lists and headings. */
export function versionTitle(version: VersionJSON, all: readonly VersionJSON[] = []): string {
  if (version.name) return version.name;
  if (version.kind === 'restore-point') {
    const of = all.find((v) => v.id === version.restoreOf);
    return of?.name ? `Before restoring “${of.name}”` : 'Before a restore';
  }
  return timeLabel(version);
}

/** A longer description for a version: its title with date and time. */
export function versionDescription(version: VersionJSON, all: readonly VersionJSON[] = []): string {
  const when = new Date(version.createdAt).toLocaleString(undefined, {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
  const title = versionTitle(version, all);
  return version.name || version.kind === 'restore-point' ? `${title} (${when})` : when;
}

/** Palette for people without a colour of their own (the same as the editor's presence colours). */
const FALLBACK_COLORS = USER_COLORS.map((c) => c.value);

/** A person's colour: the one their presence showed, else one derived from their name. */
export function colorFor(name: string, colors: Record<string, string | null>): string {
  const known = colors[name];
  if (known) return known;
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.codePointAt(0)!) >>> 0;
  return FALLBACK_COLORS[hash % FALLBACK_COLORS.length]!;
}
