import { AlignmentType, Document, LevelFormat, Packer, Paragraph, type ILevelsOptions } from 'docx';
import type { Node as PMNode } from 'prosemirror-model';
import { BULLETS, NUMBERS, blocksOf } from './docxBlocks.js';
import type { ImageSet } from './images.js';

const BULLET_SYMBOLS = ['•', '◦', '▪'];
const NUMBER_FORMATS = [LevelFormat.DECIMAL, LevelFormat.LOWER_LETTER, LevelFormat.LOWER_ROMAN];

/** Nine list levels, each indented a step further than the one before; an ordered list's first counts from `start`. */
function levels(ordered: boolean, start = 1): ILevelsOptions[] {
  return Array.from({ length: 9 }, (_, level) => ({
    level,
    ...(ordered && level === 0 && { start }),
    format: ordered ? NUMBER_FORMATS[level % 3]! : LevelFormat.BULLET,
    text: ordered ? `%${level + 1}.` : BULLET_SYMBOLS[level % 3]!,
    alignment: AlignmentType.LEFT,
    style: { paragraph: { indent: { left: 720 * (level + 1), hanging: 360 } } },
  }));
}

/**
 * `node` (a Tandem document) as a Word document: headings as Word's Heading 1–3, lists as
 * Word lists, tables, and the images of `images` (others shown by their alt text).
 */
export async function buildDocx(node: PMNode, title: string, images: ImageSet): Promise<Uint8Array> {
  let instance = 0;
  // Word keeps a list's first number in its numbering definition: one definition per start used.
  const starts = new Set<number>();
  const numberedList = (start: number) => {
    starts.add(start);
    return { reference: `${NUMBERS}-${start}`, instance: ++instance };
  };
  const children = blocksOf(node, { images, indent: 0, numberedList });
  const document = new Document({
    title,
    creator: 'Tandem',
    numbering: {
      config: [
        { reference: BULLETS, levels: levels(false) },
        ...[...starts].map((start) => ({ reference: `${NUMBERS}-${start}`, levels: levels(true, start) })),
      ],
    },
    // Word wants at least one paragraph in a document.
    sections: [{ children: children.length > 0 ? children : [new Paragraph({})] }],
  });
  return new Uint8Array(await Packer.toBuffer(document));
}
