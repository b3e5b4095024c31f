import { describe, expect, it } from 'vitest';
import type { VersionJSON } from '@tandem/crdt-bridge';
import { distinctTimeLabel, timeLabel, versionDescription, versionTitle } from './format.js';

const at = (time: string): string => new Date(`2026-03-04T${time}`).toISOString();

function version(id: number, time: string, extra: Partial<VersionJSON> = {}): VersionJSON {
  return {
    id,
    name: null,
    kind: 'auto',
    createdAt: at(time),
    authors: [],
    size: 10,
    restoreOf: null,
    pinned: false,
    ...extra,
  };
}

describe('labelling automatic versions', () => {
  it('gives a version alone in its minute just the minute', () => {
    const a = version(1, '14:05:07');
    const b = version(2, '14:09:30');
    expect(versionTitle(a, [a, b])).toBe(timeLabel(a));
    expect(versionTitle(a, [a, b])).not.toMatch(/07/);
  });

  it('never gives two versions the same label: seconds when the minute is shared, then their order', () => {
    const all = [
      version(1, '14:05:07'),
      version(2, '14:05:41'),
      version(3, '14:05:41'),
      version(4, '14:05:41'),
      version(5, '14:06:00'),
    ];
    const titles = all.map((v) => versionTitle(v, all));
    expect(new Set(titles).size).toBe(all.length);
    expect(titles[0]).toMatch(/05.07/);
    expect(titles[1]).toMatch(/05.41.* \(1\)$/);
    expect(titles[3]).toMatch(/05.41.* \(3\)$/);
    expect(titles[4]).toBe(timeLabel(all[4]!));
    const descriptions = all.map((v) => versionDescription(v, all));
    expect(new Set(descriptions).size).toBe(all.length);
  });

  it('does not count a version of another day as sharing the minute', () => {
    const today = version(1, '14:05:07');
    const otherDay = { ...version(2, '14:05:07'), createdAt: new Date('2026-03-01T14:05:07').toISOString() };
    expect(distinctTimeLabel(today, [today, otherDay])).toBe(timeLabel(today));
  });
});

describe('naming the versions around a restore', () => {
  const named = version(1, '09:00:00', { name: 'Draft for legal', kind: 'named', pinned: true });
  const auto = version(2, '10:00:00');
  const point = version(3, '11:00:00', { kind: 'restore-point', restoreOf: 1 });
  const after = version(4, '11:02:00', { restoreOf: 1 });
  const pointOfAuto = version(5, '12:00:00', { kind: 'restore-point', restoreOf: 2 });
  const afterAuto = version(6, '12:02:00', { restoreOf: 2 });
  const undoPoint = version(7, '13:00:00', { kind: 'restore-point', restoreOf: 3 });
  const undone = version(8, '13:02:00', { restoreOf: 3 });
  const all = [named, auto, point, after, pointOfAuto, afterAuto, undoPoint, undone];
  const title = (v: VersionJSON): string => versionTitle(v, all);

  it('says plainly which is the state before and which the restored one, and of what', () => {
    expect(title(point)).toBe('Before restoring “Draft for legal”');
    expect(title(after)).toBe('Restored from “Draft for legal”');
    expect(title(pointOfAuto)).toBe(`Before restoring the ${timeLabel(auto)} version`);
    expect(title(afterAuto)).toBe(`Restored from the ${timeLabel(auto)} version`);
  });

  it('calls restoring a restore point what it is: taking that restore back', () => {
    expect(title(undoPoint)).toBe(`Before undoing the ${timeLabel(point)} restore`);
    expect(title(undone)).toBe(`Undid the ${timeLabel(point)} restore`);
  });

  it('gives no two of them the same title', () => {
    expect(new Set(all.map(title)).size).toBe(all.length);
  });

  it('still says what a restore point is when the version it restored is gone', () => {
    expect(versionTitle(point, [point])).toBe('Before restoring an older version');
  });
});
