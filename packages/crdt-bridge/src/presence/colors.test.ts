import { describe, expect, it } from 'vitest';
import { LABEL_TEXT_LIGHT, USER_COLORS, contrastRatio, labelTextColor } from './colors.js';

describe('user colours', () => {
  it('computes WCAG contrast as the specification’s examples give it', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBe(1);
    // The old amber, which white text could not be read on.
    expect(contrastRatio('#e67700', '#ffffff')).toBeCloseTo(3.0, 1);
  });

  it.each(USER_COLORS.map((c) => [c.name, c.value]))(
    '%s (%s) carries its label text at 4.5:1 or more, and that text is white',
    (_name, value) => {
      expect(labelTextColor(value)).toBe(LABEL_TEXT_LIGHT);
      expect(contrastRatio(value, labelTextColor(value))).toBeGreaterThanOrEqual(4.5);
    },
  );

  it('gives every colour a distinct name and value', () => {
    expect(new Set(USER_COLORS.map((c) => c.value)).size).toBe(USER_COLORS.length);
    expect(new Set(USER_COLORS.map((c) => c.name)).size).toBe(USER_COLORS.length);
    for (const { value } of USER_COLORS) expect(value).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('picks readable text for colours from older palettes and other clients', () => {
    const old = ['#e67700', '#d9480f', '#2b8a3e', '#0c8599', '#868e96', '#ffff00', '#777777', '#767676'];
    for (const color of old) expect(contrastRatio(color, labelTextColor(color))).toBeGreaterThanOrEqual(4.5);
  });

  it('reads on any colour at 4.5:1 or more (every colour of a 16-step grid)', () => {
    const steps = Array.from({ length: 16 }, (_, i) => (i * 17).toString(16).padStart(2, '0'));
    for (const r of steps)
      for (const g of steps)
        for (const b of steps) {
          const color = `#${r}${g}${b}`;
          expect(contrastRatio(color, labelTextColor(color)), color).toBeGreaterThanOrEqual(4.5);
        }
  });
});
