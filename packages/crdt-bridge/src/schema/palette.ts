/**
 * The named colours text and highlights may take. Documents store the name, never CSS, so the
 * server can refuse anything else and every client (and export) decides how a name looks.
 */
export interface Swatch {
  /** Stored in the document. */
  name: string;
  /** What a person reads in a menu. */
  label: string;
  /** The colour on a light page. */
  light: string;
  /** The colour on a dark page. */
  dark: string;
}

/** Text colours; "no colour" is the absence of the mark. */
export const TEXT_COLORS: readonly Swatch[] = [
  { name: 'gray', label: 'Gray', light: '#5f6368', dark: '#bdc1c6' },
  { name: 'red', label: 'Red', light: '#c5221f', dark: '#f28b82' },
  { name: 'orange', label: 'Orange', light: '#b54708', dark: '#fbbc77' },
  { name: 'green', label: 'Green', light: '#137333', dark: '#81c995' },
  { name: 'blue', label: 'Blue', light: '#1a5fb4', dark: '#8ab4f8' },
  { name: 'purple', label: 'Purple', light: '#7b2fb5', dark: '#d7aefb' },
];

/** Highlight (background) colours; "none" is the absence of the mark. */
export const HIGHLIGHT_COLORS: readonly Swatch[] = [
  { name: 'yellow', label: 'Yellow', light: '#fff3a3', dark: '#5c4d00' },
  { name: 'green', label: 'Green', light: '#ccf0d4', dark: '#1e4d2b' },
  { name: 'blue', label: 'Blue', light: '#d2e3fc', dark: '#1c3a5e' },
  { name: 'pink', label: 'Pink', light: '#fcd7e8', dark: '#5e2040' },
  { name: 'orange', label: 'Orange', light: '#fde2c4', dark: '#5a3410' },
  { name: 'purple', label: 'Purple', light: '#e9d7fd', dark: '#43286b' },
];

/** Paragraph and heading alignments other than the default (start). */
export const ALIGNMENTS = ['center', 'right', 'justify'] as const;
/** A stored alignment; null is the default. */
export type Alignment = (typeof ALIGNMENTS)[number];

/** The swatch named `name` in `palette`, or undefined. */
export function swatch(palette: readonly Swatch[], name: unknown): Swatch | undefined {
  return palette.find((s) => s.name === name);
}
