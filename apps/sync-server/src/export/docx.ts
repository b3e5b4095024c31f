import { AlignmentType, Document, LevelFormat, Packer, Paragraph, type ILevelsOptions } from 'docx';
import type { Node as PMNode } from 'prosemirror-model';
import { BULLETS, NUMBERS, blocksOf } from './docxBlocks.js';
import type { ImageSet } from './images.js';

const BULLET_SYMBOLS = ['•', '◦', '▪'];
const NUMBER_FORMATS = [LevelFormat.DECIMAL, LevelFormat.LOWER_LETTER, LevelFormat.LOWER_ROMAN];

/** Nine list levels, each indented a step further than the one before. */
function levels(ordered: boolean): ILevelsOptions[] {
  return Array.from({ length: 9 }, (_, level) => ({
    level,
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
  const children = blocksOf(node, { images, indent: 0, nextListInstance: () => ++instance });
  const document = new Document({
    title,
    creator: 'Tandem',
    numbering: {
      config: [
        { reference: BULLETS, levels: levels(false) },
        { reference: NUMBERS, levels: levels(true) },
      ],
    },
    // Word wants at least one paragraph in a document.
    sections: [{ children: children.length > 0 ? children : [new Paragraph({})] }],
  });
  return new Uint8Array(await Packer.toBuffer(document));
}
