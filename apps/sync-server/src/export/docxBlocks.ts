import {
  AlignmentType,
  BorderStyle,
  HeadingLevel,
  ImageRun,
  Paragraph,
  ShadingType,
  TextRun,
  type Table,
  type IParagraphOptions,
} from 'docx';
import type { Node as PMNode } from 'prosemirror-model';
import { CODE_FONT, inlineRuns } from './docxInline.js';
import { tableOf } from './docxTable.js';
import type { ImageSet, LoadedImage } from './images.js';

/** What a document's body and a table cell hold. */
export type Block = Paragraph | Table;

/** Widest an image may be on the page: 6.5 in (A4 or Letter less margins), in pixels at 96 to the inch. */
export const PAGE_WIDTH_PX = 624;
/** Indent per level (blockquote, nested list, task list), in twentieths of a point. */
const INDENT = 720;
/** Word numbers nine list levels (0–8). */
const MAX_LIST_LEVEL = 8;

/** Numbering references the document defines (see docx.ts). */
export const BULLETS = 'tandem-bullets';
export const NUMBERS = 'tandem-numbers';

/** Where a block sits: how far it is indented, and what the export has at hand. */
export interface BlockContext {
  images: ImageSet;
  /** Indent levels (blockquotes, lists). */
  indent: number;
  /** Numbering for a new ordered list that starts at `start`: each list counts on its own. */
  numberedList: (start: number) => { reference: string; instance: number };
  /** Text in bold throughout (a table's header cells). */
  strong?: boolean;
}

const ALIGN = {
  center: AlignmentType.CENTER,
  right: AlignmentType.RIGHT,
  justify: AlignmentType.JUSTIFIED,
} as const;

const HEADINGS = { 1: HeadingLevel.HEADING_1, 2: HeadingLevel.HEADING_2, 3: HeadingLevel.HEADING_3 } as const;

/** Paragraph options shared by every block at this indent. */
function indented(ctx: BlockContext): Partial<IParagraphOptions> {
  return ctx.indent > 0 ? { indent: { left: ctx.indent * INDENT } } : {};
}

/** A paragraph or heading, aligned as stored. */
function textblock(node: PMNode, ctx: BlockContext, extra: Partial<IParagraphOptions> = {}): Paragraph {
  const align = ALIGN[node.attrs.align as keyof typeof ALIGN] as IParagraphOptions['alignment'];
  const heading = node.type.name === 'heading' ? HEADINGS[node.attrs.level as 1 | 2 | 3] : undefined;
  return new Paragraph({
    children: inlineRuns(node, ctx.strong ? { bold: true } : {}),
    ...indented(ctx),
    ...(align && { alignment: align }),
    ...(heading && { heading }),
    ...extra,
  });
}

/** A code block: monospace, shaded, its lines kept. */
function codeBlock(node: PMNode, ctx: BlockContext): Paragraph {
  const lines = node.textContent.split('\n');
  return new Paragraph({
    ...indented(ctx),
    shading: { type: ShadingType.CLEAR, color: 'auto', fill: 'F1F3F4' },
    children: lines.map((line, i) => new TextRun({ text: line, font: CODE_FONT, ...(i > 0 && { break: 1 }) })),
  });
}

/** A horizontal rule: an empty paragraph with a line under it. */
function rule(): Paragraph {
  return new Paragraph({ border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: 'auto', space: 1 } } });
}

const WORD_IMAGE_TYPES: Record<string, 'png' | 'jpg' | 'gif'> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
};

/** An image's size on the page: the width it was given (or its own), never wider than the page. */
function pageSize(image: LoadedImage, width: number | null): { width: number; height: number } {
  const wanted = Math.min(width ?? image.width, PAGE_WIDTH_PX);
  const scale = image.width > 0 ? wanted / image.width : 1;
  return { width: Math.max(1, Math.round(wanted)), height: Math.max(1, Math.round(image.height * scale)) };
}

/** An image with its caption below; its alt text in brackets when Word cannot show it (WebP) or it is missing. */
function image(node: PMNode, ctx: BlockContext): Paragraph[] {
  const { id, alt, caption, width } = node.attrs as { id: string; alt: string; caption: string; width: number | null };
  const loaded = ctx.images[id];
  const type = loaded && WORD_IMAGE_TYPES[loaded.mime];
  const shown =
    loaded && type
      ? new ImageRun({
          type,
          data: loaded.bytes,
          transformation: pageSize(loaded, width),
          altText: { name: alt || 'Image', description: alt, title: alt },
        })
      : new TextRun({ text: `[image: ${alt || caption || 'not available'}]`, italics: true });
  const out = [new Paragraph({ ...indented(ctx), children: [shown] })];
  if (caption) out.push(new Paragraph({ ...indented(ctx), children: [new TextRun({ text: caption, italics: true })] }));
  return out;
}

/** A bullet or numbered list: each item's first paragraph numbered, the rest of the item indented under it. */
function list(node: PMNode, ctx: BlockContext, level: number): Block[] {
  const ordered = node.type.name === 'ordered_list';
  const numbering = {
    ...(ordered ? ctx.numberedList(Number(node.attrs.order) || 1) : { reference: BULLETS }),
    level: Math.min(level, MAX_LIST_LEVEL),
  };
  const out: Block[] = [];
  const inner: BlockContext = { ...ctx, indent: ctx.indent + 1 };
  node.forEach((item) => {
    item.forEach((child, _offset, index) => {
      if (index === 0 && child.isTextblock) out.push(textblock(child, ctx, { numbering, indent: undefined }));
      else if (child.type.name === 'bullet_list' || child.type.name === 'ordered_list')
        out.push(...list(child, ctx, level + 1));
      else out.push(...blockOf(child, inner));
    });
  });
  return out;
}

/** A task list: each item's first paragraph after a ☐ or ☑. */
function taskList(node: PMNode, ctx: BlockContext): Block[] {
  const out: Block[] = [];
  const inner: BlockContext = { ...ctx, indent: ctx.indent + 1 };
  node.forEach((item) => {
    const box = new TextRun({ text: item.attrs.checked ? '☑ ' : '☐ ' });
    item.forEach((child, _offset, index) => {
      if (index === 0 && child.isTextblock)
        out.push(new Paragraph({ ...indented(inner), children: [box, ...inlineRuns(child)] }));
      else out.push(...blockOf(child, inner));
    });
  });
  return out;
}

/** One block of the document as Word paragraphs and tables. */
export function blockOf(node: PMNode, ctx: BlockContext): Block[] {
  switch (node.type.name) {
    case 'paragraph':
    case 'heading':
      return [textblock(node, ctx)];
    case 'code_block':
      return [codeBlock(node, ctx)];
    case 'horizontal_rule':
      return [rule()];
    case 'blockquote':
      return blocksOf(node, { ...ctx, indent: ctx.indent + 1 });
    case 'bullet_list':
    case 'ordered_list':
      return list(node, ctx, 0);
    case 'task_list':
      return taskList(node, ctx);
    case 'table':
      return [tableOf(node, ctx)];
    case 'image':
      return image(node, ctx);
    default:
      // A block this export does not know yet still keeps its words.
      return [new Paragraph({ ...indented(ctx), text: node.textContent })];
  }
}

/** Every child block of `node`, in order. */
export function blocksOf(node: PMNode, ctx: BlockContext): Block[] {
  const out: Block[] = [];
  node.forEach((child) => out.push(...blockOf(child, ctx)));
  return out;
}
