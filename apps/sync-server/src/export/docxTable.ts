import { Paragraph, ShadingType, Table, TableCell, TableRow, WidthType } from 'docx';
import type { Node as PMNode } from 'prosemirror-model';
import { blocksOf, type BlockContext } from './docxBlocks.js';

/** A table cell's blocks (header cells shaded and bold, as the editor shows them), with its column and row spans. */
function cellOf(cell: PMNode, ctx: BlockContext): TableCell {
  const header = cell.type.name === 'table_header';
  const children = blocksOf(cell, { ...ctx, indent: 0, strong: header });
  return new TableCell({
    // Word wants at least one paragraph in a cell.
    children: children.length > 0 ? children : [new Paragraph({})],
    columnSpan: cell.attrs.colspan as number,
    rowSpan: cell.attrs.rowspan as number,
    ...(header && { shading: { type: ShadingType.CLEAR, color: 'auto', fill: 'F1F3F4' } }),
  });
}

/** A table across the page; a first row of header cells repeats on each page as Word's header row. */
export function tableOf(node: PMNode, ctx: BlockContext): Table {
  const rows: TableRow[] = [];
  node.forEach((row, _offset, index) => {
    const cells: TableCell[] = [];
    let allHeaders = row.childCount > 0;
    row.forEach((cell) => {
      allHeaders &&= cell.type.name === 'table_header';
      cells.push(cellOf(cell, ctx));
    });
    rows.push(new TableRow({ children: cells, tableHeader: index === 0 && allHeaders, cantSplit: true }));
  });
  return new Table({ rows, width: { size: 100, type: WidthType.PERCENTAGE } });
}
