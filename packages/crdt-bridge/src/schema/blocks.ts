import type { AttributeSpec, DOMOutputSpec, NodeSpec } from 'prosemirror-model';
import { tableNodes } from 'prosemirror-tables';
import { ALIGNMENTS } from './palette.js';

/** Largest colspan or rowspan a table cell may have. */
export const MAX_CELL_SPAN = 50;
/** Widest column, in CSS pixels, a resized column may be stored as. */
export const MAX_COLUMN_WIDTH = 4000;
/** Widest an image may be stored as, in CSS pixels (narrowest: {@link MIN_IMAGE_WIDTH}). */
export const MAX_IMAGE_WIDTH = 4000;
/** Narrowest an image may be resized to, in CSS pixels. */
export const MIN_IMAGE_WIDTH = 24;
/** Longest alt text or caption an image may have. */
export const MAX_IMAGE_TEXT = 1000;
/** An image id: the SHA-256 of its bytes, in lowercase hex. */
export const IMAGE_ID = /^[0-9a-f]{64}$/;
/** A code block's language: a short name like `ts`, `c++` or `objective-c`. */
export const CODE_LANGUAGE = /^[a-z0-9][a-z0-9+#._-]{0,29}$/;

/** Throws unless `v` is an integer in [min, max]. */
function integerIn(v: unknown, min: number, max: number, what: string): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new RangeError(`${what} must be a whole number from ${min} to ${max}`);
}

/** Throws unless `v` is a string of at most `max` characters. */
function shortString(v: unknown, max: number, what: string): void {
  if (typeof v !== 'string' || v.length > max)
    throw new RangeError(`${what} must be text of at most ${max} characters`);
}

/** The `align` attribute paragraphs and headings share: null (start) or one of {@link ALIGNMENTS}. */
export const alignAttr: AttributeSpec = {
  default: null,
  validate: (v: unknown) => {
    if (v !== null && !ALIGNMENTS.includes(v as 'center')) throw new RangeError('unknown alignment');
  },
};

/** Reads the alignment a pasted block carries in `data-align` or its style. */
export function parseAlign(dom: HTMLElement): string | null {
  const value = dom.getAttribute('data-align') ?? dom.style?.textAlign ?? '';
  return ALIGNMENTS.includes(value as 'center') ? value : null;
}

/** DOM attributes for a block's alignment (a data attribute the stylesheets style; no inline CSS). */
export function alignDOM(align: unknown): Record<string, string> {
  return typeof align === 'string' ? { 'data-align': align } : {};
}

const spanAttr = (what: string): AttributeSpec => ({
  default: 1,
  validate: (v: unknown) => integerIn(v, 1, MAX_CELL_SPAN, what),
});

const colwidthAttr: AttributeSpec = {
  default: null,
  validate: (v: unknown) => {
    if (v === null) return;
    if (!Array.isArray(v) || v.length < 1 || v.length > MAX_CELL_SPAN)
      throw new RangeError('colwidth must be null or a list of widths');
    for (const w of v as unknown[]) integerIn(w, 1, MAX_COLUMN_WIDTH, 'a column width');
  },
};

/** Table nodes from prosemirror-tables, with attribute checks strict enough for the server's guard. */
function strictTableNodes(): Record<string, NodeSpec> {
  const specs = tableNodes({ tableGroup: 'block', cellContent: 'block+', cellAttributes: {} });
  for (const name of ['table_cell', 'table_header'] as const) {
    const spec = specs[name];
    specs[name] = {
      ...spec,
      attrs: { colspan: spanAttr('colspan'), rowspan: spanAttr('rowspan'), colwidth: colwidthAttr },
    };
  }
  return specs;
}

/** Nodes beyond the Markdown basics: tables and images. */
export const richNodes: Record<string, NodeSpec> = {
  ...strictTableNodes(),
  image: {
    group: 'block',
    atom: true,
    draggable: true,
    attrs: {
      id: {
        validate: (v: unknown) => {
          if (typeof v !== 'string' || !IMAGE_ID.test(v)) throw new RangeError('an image must be one of this server’s');
        },
      },
      alt: { default: '', validate: (v: unknown) => shortString(v, MAX_IMAGE_TEXT, 'alt text') },
      caption: { default: '', validate: (v: unknown) => shortString(v, MAX_IMAGE_TEXT, 'a caption') },
      width: {
        default: null,
        validate: (v: unknown) => {
          if (v !== null) integerIn(v, MIN_IMAGE_WIDTH, MAX_IMAGE_WIDTH, 'an image width');
        },
      },
    },
    parseDOM: [
      {
        tag: 'figure[data-image]',
        getAttrs: (dom) => imageAttrs(dom as HTMLElement, (dom as HTMLElement).querySelector('img')),
      },
      { tag: 'img[data-image]', getAttrs: (dom) => imageAttrs(dom as HTMLElement, dom as HTMLElement) },
    ],
    toDOM: (node): DOMOutputSpec => {
      const { id, alt, caption, width } = node.attrs as {
        id: string;
        alt: string;
        caption: string;
        width: number | null;
      };
      const img: DOMOutputSpec = ['img', { 'data-image': id, alt, ...(width !== null && { width: String(width) }) }];
      return caption
        ? ['figure', { 'data-image': id }, img, ['figcaption', caption]]
        : ['figure', { 'data-image': id }, img];
    },
  },
};

/** An image's attributes from pasted Tandem HTML, or false when it is not one of ours. */
function imageAttrs(holder: HTMLElement, img: Element | null): Record<string, unknown> | false {
  const id = holder.getAttribute('data-image');
  if (!id || !IMAGE_ID.test(id)) return false;
  const width = Number(img?.getAttribute('width'));
  const caption = holder.querySelector('figcaption')?.textContent ?? '';
  return {
    id,
    alt: (img?.getAttribute('alt') ?? '').slice(0, MAX_IMAGE_TEXT),
    caption: caption.slice(0, MAX_IMAGE_TEXT),
    width: Number.isInteger(width) && width >= MIN_IMAGE_WIDTH && width <= MAX_IMAGE_WIDTH ? width : null,
  };
}
