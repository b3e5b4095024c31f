import { ExternalHyperlink, ShadingType, TextRun, type IRunOptions, type ParagraphChild } from 'docx';
import type { Mark, Node as PMNode } from 'prosemirror-model';
import { HIGHLIGHT_COLORS, TEXT_COLORS, swatch } from '@tandem/crdt-bridge/schema';

/** The monospace font code is set in. */
export const CODE_FONT = 'Consolas';

/** A palette colour's light-page value as Word writes it (hex without '#'), or undefined. */
function wordColor(palette: typeof TEXT_COLORS, name: unknown): string | undefined {
  return swatch(palette, name)?.light.slice(1).toUpperCase();
}

/** Run options for text carrying `marks` (links are handled by the caller). */
export function runStyle(marks: readonly Mark[]): Omit<IRunOptions, 'text' | 'children'> {
  const style: { -readonly [K in keyof IRunOptions]?: IRunOptions[K] } = {};
  for (const mark of marks) {
    switch (mark.type.name) {
      case 'bold':
        style.bold = true;
        break;
      case 'italic':
        style.italics = true;
        break;
      case 'underline':
        style.underline = {};
        break;
      case 'strike':
        style.strike = true;
        break;
      case 'code':
        style.font = CODE_FONT;
        break;
      case 'color':
        style.color = wordColor(TEXT_COLORS, mark.attrs.color);
        break;
      case 'highlight': {
        const fill = wordColor(HIGHLIGHT_COLORS, mark.attrs.color);
        // Word's own highlight takes only its 16 colours; a shading shows the palette's.
        if (fill) style.shading = { type: ShadingType.CLEAR, color: 'auto', fill };
        break;
      }
    }
  }
  return style;
}

/** One inline node as a run: text with its marks, or a line break. */
function runOf(node: PMNode, extra: Partial<IRunOptions>): TextRun {
  if (node.type.name === 'hard_break') return new TextRun({ break: 1 });
  return new TextRun({ text: node.text ?? '', ...runStyle(node.marks), ...extra });
}

/** The href of the link mark on `node`, if any. */
function linkOf(node: PMNode): string | null {
  const link = node.marks.find((m) => m.type.name === 'link');
  return link ? (link.attrs.href as string) : null;
}

/** A textblock's content as Word runs; neighbouring text under the same link becomes one hyperlink. */
export function inlineRuns(block: PMNode, extra: Partial<IRunOptions> = {}): ParagraphChild[] {
  const out: ParagraphChild[] = [];
  let link: { href: string; runs: TextRun[] } | null = null;
  const flush = () => {
    if (link) out.push(new ExternalHyperlink({ link: link.href, children: link.runs }));
    link = null;
  };
  block.forEach((child) => {
    const href = linkOf(child);
    if (href === null) {
      flush();
      out.push(runOf(child, extra));
      return;
    }
    if (link?.href !== href) {
      flush();
      link = { href, runs: [] };
    }
    link!.runs.push(runOf(child, { style: 'Hyperlink', ...extra }));
  });
  flush();
  return out;
}
