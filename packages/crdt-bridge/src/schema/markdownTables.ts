import type { Fragment, Node as PMNode, NodeType } from 'prosemirror-model';
import type { MarkdownSerializerState } from 'prosemirror-markdown';
import { TableMap } from 'prosemirror-tables';
import { ALIGNMENTS } from './palette.js';
import { schema } from './schema.js';

const { nodes } = schema;

/** Just enough of prosemirror-markdown's parse state to build tables. */
export interface TableParseState {
  openNode(type: NodeType, attrs: Record<string, unknown> | null): void;
  closeNode(): PMNode | null;
}
interface CellToken {
  attrGet(name: string): string | null;
}
type Handler = (state: TableParseState, token: CellToken) => void;

/** A GFM cell's alignment (markdown-it writes it as `style="text-align:…"`), as a paragraph's `align`. */
function cellAlign(token: CellToken): string | null {
  const align = /text-align:\s*(\w+)/.exec(token.attrGet('style') ?? '')?.[1] ?? '';
  return ALIGNMENTS.includes(align as 'center') ? align : null;
}

/** Opens a cell and the paragraph its inline content goes in (a cell holds blocks, GFM gives it a line). */
const openCell =
  (type: NodeType): Handler =>
  (state, token) => {
    state.openNode(type, null);
    state.openNode(nodes.paragraph!, { align: cellAlign(token) });
  };
const closeCell: Handler = (state) => {
  state.closeNode();
  state.closeNode();
};
const ignore: Handler = () => undefined;

/** prosemirror-markdown token handlers for markdown-it's GFM `table` rule. */
export const tableTokenHandlers: Record<string, Handler> = {
  table_open: (state) => state.openNode(nodes.table!, null),
  table_close: (state) => void state.closeNode(),
  thead_open: ignore,
  thead_close: ignore,
  tbody_open: ignore,
  tbody_close: ignore,
  tr_open: (state) => state.openNode(nodes.table_row!, null),
  tr_close: (state) => void state.closeNode(),
  th_open: openCell(nodes.table_header!),
  th_close: closeCell,
  td_open: openCell(nodes.table_cell!),
  td_close: closeCell,
};

/** A GFM delimiter cell for a column whose header paragraph is aligned `align`. */
function delimiter(align: unknown): string {
  if (align === 'center') return ':---:';
  if (align === 'right') return '---:';
  return '---';
}

/**
 * One cell's blocks as the text of a GFM cell, which must stay on one line: blocks and line
 * breaks become `<br>` (which Tandem reads back as a line break), and `|` is escaped.
 */
function cellText(cell: PMNode, renderBlocks: (content: Fragment) => string): string {
  const markdown = renderBlocks(cell.content).trim();
  return markdown.replace(/\\\n/g, '<br>').replace(/\n+/g, '<br>').replace(/\|/g, '\\|');
}

/**
 * Writes `table` as a GFM pipe table. GFM has no merged cells: a cell spanning several
 * columns or rows is written once, where it starts, and the places it covers stay empty.
 * GFM needs a header row: the first row is written as one.
 */
export function writeTable(
  state: MarkdownSerializerState,
  table: PMNode,
  renderBlocks: (content: Fragment) => string,
): void {
  const map = TableMap.get(table);
  if (map.width === 0) return state.closeBlock(table);
  const written = new Set<number>();
  const lines: string[] = [];
  for (let row = 0; row < map.height; row++) {
    const cells: string[] = [];
    for (let col = 0; col < map.width; col++) {
      const pos = map.map[row * map.width + col]!;
      // 0 marks a place no cell covers (a table a merge left ragged).
      const cell = pos > 0 ? table.nodeAt(pos) : null;
      cells.push(cell && !written.has(pos) ? cellText(cell, renderBlocks) : '');
      written.add(pos);
    }
    lines.push(`| ${cells.join(' | ')} |`);
    if (row === 0) {
      const aligns = Array.from({ length: map.width }, (_, col) => {
        const pos = map.map[col]!;
        const cell = pos > 0 ? table.nodeAt(pos) : null;
        return delimiter(cell?.firstChild?.attrs.align);
      });
      lines.push(`| ${aligns.join(' | ')} |`);
    }
  }
  lines.forEach((line, i) => {
    state.write(line);
    if (i < lines.length - 1) state.ensureNewLine();
  });
  state.closeBlock(table);
}
