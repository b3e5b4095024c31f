/**
 * People's colours and the text drawn on them. Avatars and caret name labels put a
 * person's name (or initials) on their colour, so that pair must read at WCAG AA
 * (4.5:1) whatever colour a person has, including ones from older palettes or
 * other clients.
 */

/** One colour a person can choose, with a name for people who cannot see it. */
export interface UserColor {
  /** `#rrggbb`, lower case. */
  value: string;
  name: string;
}

/** The colours people choose from; each carries white text at 4.5:1 or more. */
export const USER_COLORS: readonly UserColor[] = [
  { value: '#c0430c', name: 'Orange' },
  { value: '#2f7d3a', name: 'Green' },
  { value: '#1971c2', name: 'Blue' },
  { value: '#ae3ec9', name: 'Purple' },
  { value: '#c2255c', name: 'Pink' },
  { value: '#0b7285', name: 'Teal' },
  { value: '#5f3dc4', name: 'Violet' },
  { value: '#b35c00', name: 'Amber' },
  { value: '#364fc7', name: 'Indigo' },
  { value: '#087f5b', name: 'Sea green' },
];

/** Text on a person's colour: white where it reads, else black (one of the two always reaches 4.58:1). */
export const LABEL_TEXT_LIGHT = '#ffffff';
/** See {@link LABEL_TEXT_LIGHT}. */
export const LABEL_TEXT_DARK = '#000000';

/** The smallest contrast between a label's text and its colour (WCAG 2 AA for normal text). */
export const MIN_LABEL_CONTRAST = 4.5;

/** WCAG 2 relative luminance of a `#rrggbb` colour. */
export function relativeLuminance(color: string): number {
  const channel = (offset: number): number => {
    const v = parseInt(color.slice(offset, offset + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** WCAG 2 contrast ratio between two `#rrggbb` colours, from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [x, y] = [relativeLuminance(a), relativeLuminance(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

/** The text colour for a label on `background` (`#rrggbb`): white when it reads at 4.5:1, otherwise black. */
export function labelTextColor(background: string): string {
  return contrastRatio(background, LABEL_TEXT_LIGHT) >= MIN_LABEL_CONTRAST ? LABEL_TEXT_LIGHT : LABEL_TEXT_DARK;
}
