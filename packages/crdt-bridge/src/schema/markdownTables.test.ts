import type { Node as PMNode } from 'prosemirror-model';
import { describe, expect, it } from 'vitest';
import { parseMarkdown, toMarkdown } from './markdown.js';
import { schema } from './schema.js';

const { nodes: n, marks: m } = schema;

/** A cell of `type` holding one paragraph per item (a string, or a node list). */
function cell(type: 'table_cell' | 'table_header', ...blocks: (string | PMNode[])[]): PMNode {
  return n[type]!.create(
    null,
    blocks.map((b) => n.paragraph!.create(null, typeof b === 'string' ? (b ? schema.text(b) : null) : b)),
  );
}
const row = (...cells: PMNode[]): PMNode => n.table_row!.create(null, cells);
const table = (...rows: PMNode[]): PMNode => n.doc!.create(null, n.table!.create(null, rows));

/** The first table of `doc`, as rows of cell texts. */
function grid(doc: PMNode): string[][] {
  const rows: string[][] = [];
  doc.descendants((node) => {
    if (node.type === n.table_row) {
      const cells: string[] = [];
      node.forEach((c) => cells.push(`${c.type === n.table_header ? 'H:' : ''}${c.textContent}`));
      rows.push(cells);
      return false;
    }
    return true;
  });
  return rows;
}

describe('GFM tables in Markdown import', () => {
  it('reads a pipe table as a table with a header row, keeping inline formatting in cells', () => {
    const doc = parseMarkdown('| Name | **Role** |\n| --- | --- |\n| Ada | [math](https://a.example) |\n');
    expect(grid(doc)).toEqual([
      ['H:Name', 'H:Role'],
      ['Ada', 'math'],
    ]);
    const cells: PMNode[] = [];
    doc.descendants((node) => void (node.type.spec.tableRole?.toString().includes('cell') && cells.push(node)));
    expect(cells[1]!.firstChild!.firstChild!.marks.map((mk) => mk.type)).toEqual([m.bold]);
    expect(cells[3]!.firstChild!.firstChild!.marks[0]!.attrs.href).toBe('https://a.example/');
  });

  it('maps the alignment row to the cells’ paragraph alignment, and fills short rows', () => {
    const doc = parseMarkdown('| a | b | c |\n| :-: | --: | :-- |\n| 1 |\n');
    const aligns: unknown[] = [];
    doc.descendants((node) => void (node.type === n.paragraph && aligns.push(node.attrs.align)));
    expect(aligns).toEqual(['center', 'right', null, 'center', 'right', null]);
    expect(grid(doc)[1]).toEqual(['1', '', '']);
  });

  it('reads <br> in a cell as a line break', () => {
    const doc = parseMarkdown('| a |\n| - |\n| one<br>two |\n');
    let breaks = 0;
    doc.descendants((node) => void (node.type === n.hard_break && breaks++));
    expect(breaks).toBe(1);
  });
});

describe('GFM tables in Markdown export', () => {
  it('writes a pipe table with the first row as header, escaping | and joining paragraphs with <br>', () => {
    const doc = table(
      row(cell('table_header', 'Name'), cell('table_header', 'Note')),
      row(cell('table_cell', 'a|b'), cell('table_cell', 'first', [schema.text('second', [m.bold!.create()])])),
    );
    expect(toMarkdown(doc)).toBe('| Name | Note |\n| --- | --- |\n| a\\|b | first<br>**second** |');
  });

  it('round-trips a table through Markdown, cell by cell', () => {
    const doc = table(
      row(cell('table_header', 'x'), cell('table_header', 'y')),
      row(cell('table_cell', 'pipe | here'), cell('table_cell', '')),
    );
    const back = parseMarkdown(toMarkdown(doc));
    expect(grid(back)).toEqual(grid(doc));
  });

  it('writes a merged cell once and leaves the places it covers empty', () => {
    const wide = n.table_cell!.create({ colspan: 2 }, n.paragraph!.create(null, schema.text('both')));
    const doc = table(row(cell('table_header', 'a'), cell('table_header', 'b')), row(wide));
    expect(toMarkdown(doc)).toBe('| a | b |\n| --- | --- |\n| both |  |');
  });

  it('writes alignment from the header cells and keeps text after the table apart', () => {
    const centered = n.table_header!.create(null, n.paragraph!.create({ align: 'center' }, schema.text('c')));
    const doc = n.doc!.create(null, [
      n.table!.create(null, [row(centered)]),
      n.paragraph!.create(null, schema.text('after')),
    ]);
    expect(toMarkdown(doc)).toBe('| c |\n| :---: |\n\nafter');
    expect(parseMarkdown(toMarkdown(doc)).childCount).toBe(2);
  });
});
