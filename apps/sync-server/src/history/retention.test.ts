import { describe, expect, it } from 'vitest';
import type { VersionMeta } from '../storage/VersionStore.js';
import { DAY_MS, HOUR_MS, retentionPolicy, versionsToThin } from './retention.js';

const NOW = Date.UTC(2026, 5, 15, 12, 30);
let nextId = 1;

function version(ageMs: number, extra: Partial<VersionMeta> = {}): VersionMeta {
  return {
    id: nextId++,
    docId: 'd',
    kind: 'auto',
    name: null,
    createdAt: NOW - ageMs,
    authors: [],
    size: 1,
    restoreOf: null,
    pinned: false,
    ...extra,
  };
}

describe('retention', () => {
  const policy = retentionPolicy(24, 7, 0);

  it('keeps every automatic snapshot of the last day', () => {
    const recent = [1, 2, 3, 60, 61, 62].map((minutes) => version(minutes * 60_000));
    expect(versionsToThin(recent, NOW, policy)).toEqual([]);
  });

  it('keeps the newest snapshot of each hour for a week, then of each day', () => {
    const hourA = [
      version(2 * DAY_MS + 10 * 60_000),
      version(2 * DAY_MS + 20 * 60_000),
      version(2 * DAY_MS + 25 * 60_000),
    ];
    const dayA = [version(10 * DAY_MS), version(10 * DAY_MS + 2 * HOUR_MS), version(10 * DAY_MS + 4 * HOUR_MS)];
    const dropped = versionsToThin([...hourA, ...dayA], NOW, policy);
    expect(dropped.sort()).toEqual([hourA[1]!.id, hourA[2]!.id, dayA[1]!.id, dayA[2]!.id].sort());
  });

  it('never drops named versions, restore points, or versions a restore came from', () => {
    const old = 30 * DAY_MS;
    const kept = [
      version(old, { kind: 'named', name: 'v1' }),
      version(old + 1, { kind: 'restore-point' }),
      version(old + 2, { pinned: true }),
      version(old + 3, { name: 'named auto' }),
    ];
    expect(versionsToThin(kept, NOW, retentionPolicy(0, 0, 1))).toEqual([]);
  });

  it('drops automatic snapshots past the daily window when one is set', () => {
    const old = version(40 * DAY_MS);
    const young = version(20 * DAY_MS);
    expect(versionsToThin([old, young], NOW, retentionPolicy(24, 7, 30))).toEqual([old.id]);
  });

  it('is stable: thinning what it kept drops nothing more', () => {
    const all = Array.from({ length: 200 }, (_, i) => version(i * 53 * 60_000));
    const dropped = new Set(versionsToThin(all, NOW, policy));
    const kept = all.filter((v) => !dropped.has(v.id));
    expect(versionsToThin(kept, NOW, policy)).toEqual([]);
  });
});
