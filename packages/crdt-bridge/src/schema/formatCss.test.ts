import { describe, expect, it } from 'vitest';
import { contrastRatio } from '../presence/colors.js';
import { alignCss, formatCss, themedFormatCss } from './formatCss.js';
import { htmlPage, toHtml } from './html.js';
import { toMarkdown } from './markdown.js';
import { HIGHLIGHT_COLORS, TEXT_COLORS } from './palette.js';
import { schema } from './schema.js';

/** The editor's page and surround backgrounds (global.css), light and dark. */
const BACKGROUNDS = { light: ['#ffffff', '#f6f5f2'], dark: ['#202024', '#18181b'] } as const;
/** The editor's body text colour, light and dark. */
const TEXT = { light: '#1d1d1f', dark: '#ececef' } as const;

const { nodes, marks } = schema;

/** A paragraph "plain red yellow" with "red" coloured and "yellow" highlighted, aligned `align`. */
function colouredDoc(align: string | null = null) {
  return nodes.doc!.create(null, [
    nodes.paragraph!.create({ align }, [
      schema.text('plain '),
      schema.text('red', [marks.color!.create({ color: 'red' })]),
      schema.text(' '),
      schema.text('yellow', [marks.highlight!.create({ color: 'yellow' })]),
    ]),
  ]);
}

describe('the palette', () => {
  it('gives every text colour at least 4.5:1 contrast on the page, in light and in dark', () => {
    for (const theme of ['light', 'dark'] as const)
      for (const swatch of TEXT_COLORS)
        for (const background of BACKGROUNDS[theme])
          expect(contrastRatio(swatch[theme], background), `${swatch.name} on ${background}`).toBeGreaterThanOrEqual(
            4.5,
          );
  });

  it('keeps body text readable on every highlight, in light and in dark', () => {
    for (const theme of ['light', 'dark'] as const)
      for (const swatch of HIGHLIGHT_COLORS)
        expect(contrastRatio(TEXT[theme], swatch[theme]), swatch.name).toBeGreaterThanOrEqual(4.5);
  });
});

describe('formatting styles', () => {
  it('styles every palette name, with the theme’s own value', () => {
    const dark = formatCss('.tandem-doc', 'dark');
    for (const s of TEXT_COLORS) expect(dark).toContain(`.tandem-doc span[data-color="${s.name}"]{color:${s.dark}}`);
    for (const s of HIGHLIGHT_COLORS) expect(dark).toContain(`mark[data-highlight="${s.name}"]{background:${s.dark}`);
    const themed = themedFormatCss('.x');
    const darkFrom = themed.indexOf('@media (prefers-color-scheme: dark){');
    expect(darkFrom).toBeGreaterThan(themed.indexOf('#c5221f'));
    expect(themed.indexOf('#f28b82')).toBeGreaterThan(darkFrom);
  });

  it('aligns centre, right and justify', () => {
    expect(alignCss('')).toBe(
      '[data-align="center"]{text-align:center}\n[data-align="right"]{text-align:right}\n[data-align="justify"]{text-align:justify}',
    );
  });

  it('exports colour, highlight and alignment to HTML with their styles', () => {
    const body = toHtml(colouredDoc('center'));
    expect(body).toBe(
      '<p data-align="center">plain <span data-color="red">red</span> <mark data-highlight="yellow">yellow</mark></p>',
    );
    const page = htmlPage('t', body);
    expect(page).toContain(`span[data-color="red"]{color:${TEXT_COLORS.find((s) => s.name === 'red')!.light}}`);
    expect(page).toContain('[data-align="center"]{text-align:center}');
  });

  it('drops colour and highlight from Markdown, keeping the text', () => {
    expect(toMarkdown(colouredDoc('right'))).toBe('plain red yellow');
  });
});
