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

function secondsLabel(version: VersionJSON): string {
  return new Date(version.createdAt).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** Whether a version is called by its time (no name of its own and nothing else to say). */
export function calledByTime(version: VersionJSON): boolean {
  return version.name === null && version.kind === 'auto' && version.restoreOf === null;
}

/**
 * A version's time that no other version of the same day in `all` shares: "14:05", or
 * "14:05:07" when another was taken in the same minute, or "14:05:07 (2)" — its place
 * among those of the same second, oldest first — when even the seconds match.
 */
export function distinctTimeLabel(version: VersionJSON, all: readonly VersionJSON[]): string {
  const day = dayKey(new Date(version.createdAt));
  const sameDay = all.filter((v) => v.id !== version.id && dayKey(new Date(v.createdAt)) === day);
  const minute = timeLabel(version);
  if (!sameDay.some((v) => timeLabel(v) === minute)) return minute;
  const second = secondsLabel(version);
  const twins = sameDay.filter((v) => secondsLabel(v) === second);
  if (twins.length === 0) return second;
  const place = twins.filter(
    (v) => v.createdAt < version.createdAt || (v.createdAt === version.createdAt && v.id < version.id),
  );
  return `${second} (${place.length + 1})`;
}

/** How another version is referred to in a title: by name, else by time and kind. */
function reference(version: VersionJSON | undefined, all: readonly VersionJSON[]): string {
  if (!version) return 'an older version';
  if (version.name) return `“${version.name}”`;
  const time = distinctTimeLabel(version, all);
  return version.kind === 'restore-point' ? `the state before the ${time} restore` : `the ${time} version`;
}

/**
 * How a version is called in lists and headings. Around a restore there are two automatic
 * versions, named so they cannot be mistaken for each other: "Before restoring “v1”" (the
 * restore point, the state it replaced) and "Restored from “v1”" (the next snapshot,
 * holding the restored content). Other automatic versions go by a time no other version
 * of the day shares.
 */
export function versionTitle(version: VersionJSON, all: readonly VersionJSON[] = []): string {
  if (version.name) return version.name;
  const of = version.restoreOf === null ? undefined : all.find((v) => v.id === version.restoreOf);
  if (version.kind === 'restore-point') {
    // Restoring a restore point takes a restore back.
    return of?.kind === 'restore-point' && !of.name
      ? `Before undoing the ${distinctTimeLabel(of, all)} restore`
      : `Before restoring ${reference(of, all)}`;
  }
  if (version.restoreOf !== null) {
    return of?.kind === 'restore-point' && !of.name
      ? `Undid the ${distinctTimeLabel(of, all)} restore`
      : `Restored from ${reference(of, all)}`;
  }
  return distinctTimeLabel(version, all);
}

/** A longer description for a version: its title with date and time ("2 Dec, 14:05:07" for one called by its time). */
export function versionDescription(version: VersionJSON, all: readonly VersionJSON[] = []): string {
  const date = new Date(version.createdAt).toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
  const title = versionTitle(version, all);
  return calledByTime(version) ? `${date}, ${title}` : `${title} (${date}, ${timeLabel(version)})`;
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
