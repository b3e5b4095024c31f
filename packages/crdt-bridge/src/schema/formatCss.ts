import { ALIGNMENTS, HIGHLIGHT_COLORS, TEXT_COLORS } from './palette.js';

/** Which of a swatch's two values a stylesheet uses. */
export type Theme = 'light' | 'dark';

/**
 * CSS for text colours (`span[data-color]`), highlights (`mark[data-highlight]`) and
 * alignment (`[data-align]`) as the schema renders them, scoped under `scope` (e.g.
 * `.tandem-doc`, or '' for a whole exported page). Built from the palette, so a colour
 * added there needs no stylesheet edit anywhere.
 */
export function formatCss(scope: string, theme: Theme): string {
  const at = scope ? `${scope} ` : '';
  const colors = TEXT_COLORS.map((s) => `${at}span[data-color="${s.name}"]{color:${s[theme]}}`);
  const highlights = HIGHLIGHT_COLORS.map(
    (s) => `${at}mark[data-highlight="${s.name}"]{background:${s[theme]};color:inherit}`,
  );
  return [...colors, ...highlights].join('\n');
}

/** Alignment rules for paragraphs and headings; the same in every theme. */
export function alignCss(scope: string): string {
  const at = scope ? `${scope} ` : '';
  return ALIGNMENTS.map((a) => `${at}[data-align="${a}"]{text-align:${a}}`).join('\n');
}

/** Light colours, dark colours under `prefers-color-scheme: dark`, and alignment: the editor's whole set. */
export function themedFormatCss(scope: string): string {
  return `${formatCss(scope, 'light')}\n@media (prefers-color-scheme: dark){\n${formatCss(scope, 'dark')}\n}\n${alignCss(scope)}`;
}
