import { describe, expect, it } from 'vitest';
import { editedLine, timeAgo } from './editedLine.js';

const NOW = Date.parse('2026-12-02T12:00:00Z');
const secondsBefore = (s: number): string => new Date(NOW - s * 1000).toISOString();

describe('editedLine', () => {
  it('puts a space between the time and "by", and names up to three editors', () => {
    expect(editedLine(secondsBefore(2), ['Ana'], NOW, 'en')).toBe('Edited 2 seconds ago by Ana');
    expect(editedLine(secondsBefore(120), ['Ana', 'Ben', 'Cy'], NOW, 'en')).toBe(
      'Edited 2 minutes ago by Ana, Ben, Cy',
    );
    expect(editedLine(secondsBefore(7200), ['Ana', 'Ben', 'Cy', 'Di', 'Ed'], NOW, 'en')).toBe(
      'Edited 2 hours ago by Ana, Ben, Cy and 2 more',
    );
  });

  it('says only when, without editors', () => {
    expect(editedLine(secondsBefore(86400), [], NOW, 'en')).toBe('Edited yesterday');
  });
});

describe('timeAgo', () => {
  it('uses the largest unit that fits', () => {
    expect(timeAgo(secondsBefore(0), NOW, 'en')).toBe('now');
    expect(timeAgo(secondsBefore(3 * 604800), NOW, 'en')).toBe('3 weeks ago');
    expect(timeAgo(secondsBefore(2 * 31557600), NOW, 'en')).toBe('2 years ago');
  });
});
