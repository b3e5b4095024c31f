import { unzipSync, strFromU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { schema } from '@tandem/crdt-bridge/schema';
import type { Node as PMNode } from 'prosemirror-model';
import { buildDocx } from './docx.js';
import { imageIdsOf } from '../images/imageReferences.js';
import { loadImages, type ImageSet } from './images.js';
import { tinyPng } from './testImage.js';

const PNG_ID = 'a'.repeat(64);
const WEBP_ID = 'b'.repeat(64);

const text = (value: string, marks: Record<string, unknown> = {}) =>
  ({ type: 'text', text: value, marks: Object.entries(marks).map(([type, attrs]) => ({ type, attrs })) }) as const;
const para = (...content: object[]) => ({ type: 'paragraph', content });
const cell = (type: string, value: string, attrs: object = {}) => ({ type, attrs, content: [para(text(value))] });

/** A document with one of everything a Word export keeps. */
function richDoc(): PMNode {
  return schema.nodeFromJSON({
    type: 'doc',
    content: [
      { type: 'heading', attrs: { level: 1 }, content: [text('Plan')] },
      { type: 'heading', attrs: { level: 2 }, content: [text('Details')] },
      {
        type: 'paragraph',
        attrs: { align: 'center' },
        content: [
          text('bold', { bold: {} }),
          text(' red', { color: { color: 'red' } }),
          text(' marked', { highlight: { color: 'yellow' } }),
          text(' gone', { strike: {} }),
          text(' mono', { code: {} }),
          text(' site', { link: { href: 'https://example.com/' } }),
        ],
      },
      {
        type: 'bullet_list',
        content: [
          {
            type: 'list_item',
            content: [
              para(text('outer')),
              { type: 'bullet_list', content: [{ type: 'list_item', content: [para(text('inner'))] }] },
            ],
          },
        ],
      },
      { type: 'ordered_list', content: [{ type: 'list_item', content: [para(text('first'))] }] },
      { type: 'ordered_list', attrs: { order: 3 }, content: [{ type: 'list_item', content: [para(text('third'))] }] },
      { type: 'task_list', content: [{ type: 'task_item', attrs: { checked: true }, content: [para(text('done'))] }] },
      { type: 'blockquote', content: [para(text('wise words'))] },
      { type: 'code_block', content: [text('let x = 1;\nx++')] },
      { type: 'horizontal_rule' },
      {
        type: 'table',
        content: [
          { type: 'table_row', content: [cell('table_header', 'Name', { colspan: 2 })] },
          { type: 'table_row', content: [cell('table_cell', 'Ann'), cell('table_cell', 'Bo')] },
        ],
      },
      { type: 'image', attrs: { id: PNG_ID, alt: 'A red dot', caption: 'Figure 1', width: 100 } },
      { type: 'image', attrs: { id: WEBP_ID, alt: 'A webp picture', caption: '', width: null } },
    ],
  });
}

const images = (): ImageSet => ({
  [PNG_ID]: { bytes: tinyPng(), mime: 'image/png', width: 2, height: 1 },
  [WEBP_ID]: { bytes: new Uint8Array([1, 2, 3]), mime: 'image/webp', width: 10, height: 10 },
});

/** The parts of a .docx, by path. */
async function parts(doc: PMNode, set: ImageSet = images()): Promise<Record<string, Uint8Array>> {
  const bytes = await buildDocx(doc, 'Plan', set);
  expect(strFromU8(bytes.subarray(0, 2))).toBe('PK');
  return unzipSync(bytes);
}

describe('the Word export', () => {
  it('keeps headings as Word headings, alignment, marks and a hyperlink', async () => {
    const xml = strFromU8((await parts(richDoc()))['word/document.xml']!);
    expect(xml).toContain('<w:pStyle w:val="Heading1"/>');
    expect(xml).toContain('<w:pStyle w:val="Heading2"/>');
    expect(xml).toContain('<w:jc w:val="center"/>');
    expect(xml).toMatch(/<w:b\/>|<w:b w:val="true"\/>/);
    expect(xml).toContain('<w:color w:val="C5221F"/>');
    expect(xml).toContain('w:fill="FFF3A3"');
    expect(xml).toMatch(/<w:strike\/>|<w:strike w:val="true"\/>/);
    expect(xml).toContain('w:ascii="Consolas"');
    expect(xml).toContain('<w:hyperlink');
    const rels = strFromU8((await parts(richDoc()))['word/_rels/document.xml.rels']!);
    expect(rels).toContain('https://example.com/');
  });

  it('numbers lists with nesting, and writes task boxes, quotes and code', async () => {
    const files = await parts(richDoc());
    const xml = strFromU8(files['word/document.xml']!);
    expect(xml).toContain('<w:numPr><w:ilvl w:val="0"/>');
    expect(xml).toContain('<w:ilvl w:val="1"/>');
    expect(xml).toContain('☑ ');
    expect(xml).toContain('wise words');
    expect(xml).toContain('w:fill="F1F3F4"');
    expect(strFromU8(files['word/numbering.xml']!)).toContain('w:val="decimal"');
  });

  it('starts a numbered list where the document does', async () => {
    const numbering = strFromU8((await parts(richDoc()))['word/numbering.xml']!);
    expect(numbering).toContain('<w:start w:val="1"/>');
    expect(numbering).toContain('<w:start w:val="3"/>');
  });

  it('writes tables with a header row and spans', async () => {
    const xml = strFromU8((await parts(richDoc()))['word/document.xml']!);
    expect(xml).toContain('<w:tbl>');
    expect(xml).toContain('<w:tblHeader/>');
    expect(xml).toContain('<w:gridSpan w:val="2"/>');
    // Header cells' text is bold, as the editor shows it; body cells' is not.
    expect(xml).toMatch(/<w:b\/>(?:(?!<\/w:r>).)*<w:t[^>]*>Name<\/w:t>/s);
    expect(xml).not.toMatch(/<w:b\/>(?:(?!<\/w:r>).)*<w:t[^>]*>Ann<\/w:t>/s);
  });

  it('embeds images it can show, with alt text and caption, and names the others', async () => {
    const files = await parts(richDoc());
    const media = Object.keys(files).filter((name) => name.startsWith('word/media/'));
    expect(media).toHaveLength(1);
    expect(files[media[0]!]!.subarray(1, 4)).toEqual(new TextEncoder().encode('PNG'));
    const xml = strFromU8(files['word/document.xml']!);
    expect(xml).toContain('descr="A red dot"');
    expect(xml).toContain('Figure 1');
    expect(xml).toContain('[image: A webp picture]');
  });

  it('names an image the store does not have instead of failing', async () => {
    const files = await parts(richDoc(), {});
    expect(Object.keys(files).some((name) => name.startsWith('word/media/'))).toBe(false);
    expect(strFromU8(files['word/document.xml']!)).toContain('[image: A red dot]');
  });

  it('finds each image once and loads only those the store has', async () => {
    const ids = [...imageIdsOf(richDoc())];
    expect(ids).toEqual([PNG_ID, WEBP_ID]);
    const loaded = await loadImages(ids, async (id) => (id === PNG_ID ? images()[PNG_ID]! : null));
    expect(Object.keys(loaded)).toEqual([PNG_ID]);
  });

  it('exports an empty document as a valid file', async () => {
    const files = await parts(schema.nodeFromJSON({ type: 'doc', content: [{ type: 'paragraph' }] }));
    expect(strFromU8(files['word/document.xml']!)).toContain('<w:body>');
  });
});
