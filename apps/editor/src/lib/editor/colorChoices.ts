import { HIGHLIGHT_COLORS, TEXT_COLORS, type Swatch } from '@tandem/crdt-bridge';
import type { ColorKind } from './colorMarks.js';

/** What a colour menu offers and calls things, per kind. */
export interface ColorMenuSpec {
  kind: ColorKind;
  /** The button's and menu's name. */
  label: string;
  /** The entry that removes the mark. */
  noneLabel: string;
  swatches: readonly Swatch[];
}

/** The toolbar's two colour menus, in the order they appear. */
export const COLOR_MENUS: readonly ColorMenuSpec[] = [
  { kind: 'color', label: 'Text colour', noneLabel: 'No colour', swatches: TEXT_COLORS },
  { kind: 'highlight', label: 'Highlight', noneLabel: 'No highlight', swatches: HIGHLIGHT_COLORS },
];

/** The button's accessible name: the menu's name and, when one applies, the current colour's. */
export function colorButtonName(spec: ColorMenuSpec, current: string | null): string {
  if (current === null) return spec.label;
  if (current === 'mixed') return `${spec.label}: several`;
  const swatch = spec.swatches.find((s) => s.name === current);
  return swatch ? `${spec.label}: ${swatch.label}` : spec.label;
}
