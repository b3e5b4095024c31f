import type { Node as PMNode } from 'prosemirror-model';
import { Selection, TextSelection, type Command, type EditorState, type Plugin } from 'prosemirror-state';
import {
  addColumnAfter,
  addColumnBefore,
  addRowAfter,
  addRowBefore,
  columnResizing,
  deleteColumn,
  deleteRow,
  deleteTable,
  goToNextCell,
  isInTable,
  mergeCells,
  selectedRect,
  splitCell,
  toggleHeaderRow,
} from 'prosemirror-tables';
import { MAX_COLUMN_WIDTH, collabTableEditing, onSoundTables, schema } from '@tandem/crdt-bridge';

const { nodes } = schema;

/** Largest table the size picker offers, in rows and in columns. */
export const PICKER_SIZE = 8;

/** Table editing for the editor: cell selection, repair of one's own edits, and columns resized into `colwidth`. */
export function tablePlugins(): Plugin[] {
  // columnResizing first: its handles must see the mouse before cell selection does.
  return [columnResizing({ cellMinWidth: 48 }), collabTableEditing()];
}

/** An empty table of `rows` × `columns` whose first row is a header row. */
export function emptyTable(rows: number, columns: number): PMNode {
  const row = (type: 'table_header' | 'table_cell'): PMNode =>
    nodes.table_row!.create(
      null,
      Array.from({ length: columns }, () => nodes[type]!.create(null, nodes.paragraph!.create())),
    );
  return nodes.table!.create(null, [row('table_header'), ...Array.from({ length: rows - 1 }, () => row('table_cell'))]);
}

/**
 * Inserts an empty `rows` × `columns` table where the caret is and puts the caret in its
 * first cell; a paragraph follows the table when nothing would, so one can write below it.
 */
export function insertTable(rows: number, columns: number): Command {
  return (state, dispatch) => {
    if (isInTable(state)) return false;
    const table = emptyTable(rows, columns);
    const start = state.selection.from;
    if (!dispatch) return true;
    const tr = state.tr.replaceSelectionWith(table);
    let tablePos = -1;
    tr.doc.nodesBetween(tr.mapping.map(start, -1), tr.doc.content.size, (node, pos) => {
      if (tablePos < 0 && node === table) tablePos = pos;
      return tablePos < 0 && !node.isTextblock;
    });
    if (tablePos < 0) return false;
    const after = tablePos + table.nodeSize;
    if (!tr.doc.resolve(after).nodeAfter) tr.insert(after, nodes.paragraph!.create());
    // Inside the table, its first row, its first cell and that cell's paragraph.
    tr.setSelection(TextSelection.create(tr.doc, tablePos + 4));
    dispatch(tr.scrollIntoView());
    return true;
  };
}

/**
 * The caret to the end of the next (1) or previous (-1) cell. prosemirror-tables selects
 * the cell's whole text instead, which the next key typed would replace.
 */
function toCell(direction: 1 | -1): Command {
  return (state, dispatch) =>
    goToNextCell(direction)(
      state,
      dispatch && ((tr) => dispatch(tr.setSelection(TextSelection.create(tr.doc, tr.selection.to)))),
    );
}

/** Tab in a table: the next cell; in the last cell, a new row and its first cell (as in Google Docs). */
export const nextCellOrNewRow: Command = (state, dispatch) => {
  if (!isInTable(state)) return false;
  if (toCell(1)(state, dispatch)) return true;
  return onSoundTables((s, d) =>
    addRowAfter(s, (added) => {
      const grown = s.apply(added);
      toCell(1)(grown, (moved) => {
        added.setSelection(Selection.fromJSON(added.doc, moved.selection.toJSON()));
      });
      d?.(added.scrollIntoView());
    }),
  )(state, dispatch);
};

/** Shift-Tab in a table: the previous cell. */
export const previousCell: Command = (state, dispatch) => isInTable(state) && toCell(-1)(state, dispatch);

/** Width, in CSS pixels, a column without a stored width is drawn at (columnResizing's default). */
const DEFAULT_COLUMN_WIDTH = 100;
/** How much one "wider" or "narrower" changes a column, in CSS pixels. */
const WIDTH_STEP = 40;

/**
 * Makes the selected columns `delta` pixels wider (or narrower), storing the width in each
 * cell's `colwidth` as dragging a column edge does: resizing by keyboard.
 */
export function resizeColumns(delta: number): Command {
  return (state, dispatch, view) => {
    if (!isInTable(state)) return false;
    const rect = selectedRect(state);
    const { map, table, tableStart } = rect;
    // Each cell's new widths, by position: a cell spanning several selected columns changes once.
    const changed = new Map<number, number[]>();
    for (let col = rect.left; col < rect.right; col++) {
      for (let row = 0; row < map.height; row++) {
        const pos = map.map[row * map.width + col]!;
        const cell = table.nodeAt(pos);
        if (!cell) continue;
        const span = cell.attrs.colspan as number;
        let widths = changed.get(pos);
        if (!widths) {
          const dom = view?.nodeDOM(tableStart + pos) as HTMLElement | null | undefined;
          const drawn = dom?.offsetWidth ? Math.round(dom.offsetWidth / span) : DEFAULT_COLUMN_WIDTH;
          widths = (cell.attrs.colwidth as number[] | null)?.slice() ?? Array<number>(span).fill(drawn);
          changed.set(pos, widths);
        } else if (row > 0 && map.map[(row - 1) * map.width + col] === pos) continue; // A row span: done.
        const index = col - map.colCount(pos);
        widths[index] = Math.min(Math.max((widths[index] ?? DEFAULT_COLUMN_WIDTH) + delta, 48), MAX_COLUMN_WIDTH);
      }
    }
    const tr = state.tr;
    for (const [pos, colwidth] of changed) {
      tr.setNodeMarkup(tableStart + pos, null, { ...table.nodeAt(pos)!.attrs, colwidth });
    }
    if (!tr.docChanged) return false;
    dispatch?.(tr);
    return true;
  };
}

/** One entry of the table menu. */
export interface TableAction {
  id: string;
  label: string;
  command: Command;
  /** On/off state, for the header row. */
  checked?: (state: EditorState) => boolean;
}

/** Whether the first row of the table around the selection is a header row. */
function hasHeaderRow(state: EditorState): boolean {
  if (!isInTable(state)) return false;
  const rect = selectedRect(state);
  const first = rect.table.firstChild;
  let all = first !== null && first.childCount > 0;
  first?.forEach((cell) => (all &&= cell.type === nodes.table_header));
  return all;
}

/** What the table menu offers, in its order; each works on the cell (or cells) selected. */
export const TABLE_ACTIONS: readonly TableAction[] = [
  { id: 'row-above', label: 'Add a row above', command: addRowBefore },
  { id: 'row-below', label: 'Add a row below', command: addRowAfter },
  { id: 'column-left', label: 'Add a column to the left', command: addColumnBefore },
  { id: 'column-right', label: 'Add a column to the right', command: addColumnAfter },
  { id: 'delete-row', label: 'Delete this row', command: deleteRow },
  { id: 'delete-column', label: 'Delete this column', command: deleteColumn },
  { id: 'wider', label: 'Make the column wider', command: resizeColumns(WIDTH_STEP) },
  { id: 'narrower', label: 'Make the column narrower', command: resizeColumns(-WIDTH_STEP) },
  { id: 'merge-cells', label: 'Merge the selected cells', command: mergeCells },
  { id: 'split-cell', label: 'Split this cell', command: splitCell },
  { id: 'header-row', label: 'First row is a header', command: toggleHeaderRow, checked: hasHeaderRow },
  { id: 'delete-table', label: 'Delete the table', command: deleteTable },
].map((action) => ({ ...action, command: onSoundTables(action.command) }));

export { isInTable };
