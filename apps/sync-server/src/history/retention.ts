import type { VersionMeta } from '../storage/VersionStore.js';

/** One hour and one day in milliseconds. */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/**
 * How automatic snapshots thin out with age: all of them while younger than
 * `keepAllMs`, the newest of each hour while younger than `hourlyForMs`, then the
 * newest of each day while younger than `dailyForMs` (null: for ever), none after.
 */
export interface RetentionPolicy {
  keepAllMs: number;
  hourlyForMs: number;
  dailyForMs: number | null;
}

/** The policy from configuration values in hours and days. */
export function retentionPolicy(keepAllHours: number, hourlyDays: number, dailyDays: number): RetentionPolicy {
  return {
    keepAllMs: keepAllHours * HOUR_MS,
    hourlyForMs: hourlyDays * DAY_MS,
    dailyForMs: dailyDays === 0 ? null : dailyDays * DAY_MS,
  };
}

/** Whether retention may ever delete a version: only unnamed, unpinned automatic snapshots. */
export function isThinnable(version: Pick<VersionMeta, 'kind' | 'name' | 'pinned'>): boolean {
  return version.kind === 'auto' && version.name === null && !version.pinned;
}

/**
 * The ids of the automatic snapshots `policy` drops at time `now`. Buckets are fixed
 * hours and days (UTC), and the newest snapshot of a bucket is the one kept, so running
 * this again later never removes a snapshot an earlier run chose to keep for the same
 * bucket size. Named versions, restore points and pinned versions are never chosen.
 */
export function versionsToThin(
  versions: readonly Pick<VersionMeta, 'id' | 'kind' | 'name' | 'pinned' | 'createdAt'>[],
  now: number,
  policy: RetentionPolicy,
): number[] {
  const newestFirst = versions.filter(isThinnable).sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
  const kept = new Set<string>();
  const drop: number[] = [];
  for (const version of newestFirst) {
    const age = now - version.createdAt;
    let bucket: string | null;
    if (age < policy.keepAllMs) continue;
    if (age < policy.hourlyForMs) bucket = `h${Math.floor(version.createdAt / HOUR_MS)}`;
    else if (policy.dailyForMs === null || age < policy.dailyForMs)
      bucket = `d${Math.floor(version.createdAt / DAY_MS)}`;
    else bucket = null;
    if (bucket !== null && !kept.has(bucket)) kept.add(bucket);
    else drop.push(version.id);
  }
  return drop;
}

/**
 * The order in which versions go when a document's history is over its disk budget:
 * unnamed, unpinned automatic snapshots oldest first, then restore points oldest first
 * except the newest one (the undo of the last restore). Named and pinned versions never go.
 */
export function budgetThinningOrder(
  versions: readonly Pick<VersionMeta, 'id' | 'kind' | 'name' | 'pinned' | 'createdAt'>[],
): number[] {
  const oldestFirst = [...versions].sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
  const autos = oldestFirst.filter(isThinnable);
  const points = oldestFirst.filter((v) => v.kind === 'restore-point' && v.name === null && !v.pinned);
  return [...autos, ...points.slice(0, -1)].map((v) => v.id);
}
