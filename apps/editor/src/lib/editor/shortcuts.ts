import { chainCommands, exitCode } from 'prosemirror-commands';
import { liftListItem, sinkListItem, splitListItem } from 'prosemirror-schema-list';
import type { Command } from 'prosemirror-state';
import { redo, undo } from 'y-prosemirror';
import { schema } from '@tandem/crdt-bridge';
import {
  insertHardBreak,
  insertHorizontalRule,
  toggleBlock,
  toggleBlockquote,
  toggleBold,
  toggleCode,
  toggleItalic,
  toggleList,
  toggleStrike,
  toggleTaskAtCaret,
  toggleUnderline,
} from './commands.js';
import { nextCellOrNewRow, previousCell } from './tables.js';
import { ALIGN_ACTIONS } from './alignActions.js';

const { nodes } = schema;

/** Something the page around the editor does (opens a dialog or panel), rather than an editor command. */
export type PageAction =
  | 'link'
  | 'history'
  | 'shortcuts'
  | 'outline'
  | 'image'
  | 'find'
  | 'replace'
  | 'find-next'
  | 'find-previous'
  | 'suggesting'
  | 'comment';

/** Headings of the shortcuts sheet, in the order it shows them. */
export const SHORTCUT_GROUPS = ['Text style', 'Paragraphs', 'Lists and tasks', 'Editing', 'Document'] as const;
/** One heading of the shortcuts sheet. */
export type ShortcutGroup = (typeof SHORTCUT_GROUPS)[number];

/**
 * One thing a person can do from the keyboard. This table is the single source of
 * the editor's keymap, the toolbar's names and tooltips, and the shortcuts sheet.
 */
export interface EditorAction {
  id: string;
  /** Plain words, as the sheet, tooltips and menus show them. */
  label: string;
  /** ProseMirror key names, e.g. "Mod-Alt-1"; the first is the one tooltips show. */
  keys: readonly string[];
  group: ShortcutGroup;
  /** An editor command, or a page action the page performs. */
  run: Command | PageAction;
}

/** Undo/redo through y-prosemirror's per-user undo manager: you undo your own changes, never a collaborator's. */
const undoCommand: Command = (state) => undo(state);
const redoCommand: Command = (state) => redo(state);

const listItem = nodes.list_item!;
const taskItem = nodes.task_item!;

/** Every keyboard action of the document page. */
export const EDITOR_ACTIONS: readonly EditorAction[] = [
  { id: 'bold', label: 'Bold', keys: ['Mod-b'], group: 'Text style', run: toggleBold },
  { id: 'italic', label: 'Italic', keys: ['Mod-i'], group: 'Text style', run: toggleItalic },
  { id: 'underline', label: 'Underline', keys: ['Mod-u'], group: 'Text style', run: toggleUnderline },
  { id: 'strike', label: 'Strikethrough', keys: ['Mod-Shift-x'], group: 'Text style', run: toggleStrike },
  { id: 'code', label: 'Inline code', keys: ['Mod-e', 'Mod-`'], group: 'Text style', run: toggleCode },
  { id: 'link', label: 'Link', keys: ['Mod-k'], group: 'Text style', run: 'link' },
  {
    id: 'paragraph',
    label: 'Normal text',
    keys: ['Mod-Alt-0'],
    group: 'Paragraphs',
    run: toggleBlock(nodes.paragraph!),
  },
  ...([1, 2, 3] as const).map((level): EditorAction => ({
    id: `h${level}`,
    label: `Heading ${level}`,
    keys: [`Mod-Alt-${level}`],
    group: 'Paragraphs',
    run: toggleBlock(nodes.heading!, { level }),
  })),
  { id: 'blockquote', label: 'Quote', keys: ['Mod-Shift-.'], group: 'Paragraphs', run: toggleBlockquote },
  {
    id: 'code-block',
    label: 'Code block',
    keys: ['Mod-Alt-c'],
    group: 'Paragraphs',
    run: toggleBlock(nodes.code_block!),
  },
  ...ALIGN_ACTIONS,
  { id: 'hr', label: 'Divider', keys: ['Mod-Shift--'], group: 'Paragraphs', run: insertHorizontalRule },
  {
    id: 'bullet-list',
    label: 'Bulleted list',
    keys: ['Mod-Shift-8'],
    group: 'Lists and tasks',
    run: toggleList(nodes.bullet_list!, listItem),
  },
  {
    id: 'ordered-list',
    label: 'Numbered list',
    keys: ['Mod-Shift-7'],
    group: 'Lists and tasks',
    run: toggleList(nodes.ordered_list!, listItem),
  },
  {
    id: 'task-list',
    label: 'Task list',
    keys: ['Mod-Shift-9'],
    group: 'Lists and tasks',
    run: toggleList(nodes.task_list!, taskItem),
  },
  {
    id: 'toggle-task',
    label: 'Tick or untick the task at the cursor (elsewhere: a line break)',
    keys: ['Mod-Enter'],
    group: 'Lists and tasks',
    run: chainCommands(toggleTaskAtCaret, exitCode, insertHardBreak),
  },
  {
    id: 'split-item',
    label: 'New item (on an empty item: leave the list)',
    keys: ['Enter'],
    group: 'Lists and tasks',
    run: chainCommands(splitListItem(listItem), splitListItem(taskItem)),
  },
  {
    id: 'indent',
    label: 'Indent the item (in a table: next cell, or a new row after the last)',
    keys: ['Tab'],
    group: 'Lists and tasks',
    run: chainCommands(sinkListItem(listItem), sinkListItem(taskItem), nextCellOrNewRow),
  },
  {
    id: 'outdent',
    label: 'Outdent the item (in a table: previous cell)',
    keys: ['Shift-Tab'],
    group: 'Lists and tasks',
    run: chainCommands(liftListItem(listItem), liftListItem(taskItem), previousCell),
  },
  { id: 'undo', label: 'Undo your last change', keys: ['Mod-z'], group: 'Editing', run: undoCommand },
  { id: 'redo', label: 'Redo', keys: ['Mod-Shift-z', 'Mod-y'], group: 'Editing', run: redoCommand },
  {
    id: 'line-break',
    label: 'Line break (leave a code block)',
    keys: ['Shift-Enter'],
    group: 'Editing',
    run: chainCommands(exitCode, insertHardBreak),
  },
  {
    id: 'suggesting',
    label: 'Switch between Editing and Suggesting',
    keys: ['Mod-Alt-Shift-s'],
    group: 'Editing',
    run: 'suggesting',
  },
  { id: 'find', label: 'Find in the document', keys: ['Mod-f'], group: 'Editing', run: 'find' },
  { id: 'replace', label: 'Find and replace', keys: ['Mod-h'], group: 'Editing', run: 'replace' },
  { id: 'find-next', label: 'Next match (while finding)', keys: ['F3'], group: 'Editing', run: 'find-next' },
  {
    id: 'find-previous',
    label: 'Previous match (while finding)',
    keys: ['Shift-F3'],
    group: 'Editing',
    run: 'find-previous',
  },
  { id: 'comment', label: 'Comment', keys: ['Mod-Alt-m'], group: 'Document', run: 'comment' },
  { id: 'image', label: 'Insert image', keys: ['Mod-Alt-Shift-i'], group: 'Document', run: 'image' },
  { id: 'history', label: 'Version history', keys: ['Mod-Alt-Shift-h'], group: 'Document', run: 'history' },
  { id: 'shortcuts', label: 'Keyboard shortcuts', keys: ['Mod-/'], group: 'Document', run: 'shortcuts' },
  { id: 'outline', label: 'Show or hide the outline', keys: ['Mod-Alt-o'], group: 'Document', run: 'outline' },
];

/** The action with `id`; throws for an id the table does not hold (a typo in code, not user input). */
export function editorAction(id: string): EditorAction {
  const found = EDITOR_ACTIONS.find((a) => a.id === id);
  if (!found) throw new RangeError(`No editor action "${id}"`);
  return found;
}

/** One row of the shortcuts sheet. */
export interface ShortcutRow {
  label: string;
  keys: readonly string[];
}

/** The shortcuts sheet's content: every action with keys, under its heading. */
export function shortcutSheet(): { group: ShortcutGroup; rows: ShortcutRow[] }[] {
  return SHORTCUT_GROUPS.map((group) => ({
    group,
    rows: EDITOR_ACTIONS.filter((a) => a.group === group && a.keys.length > 0).map(({ label, keys }) => ({
      label,
      keys,
    })),
  }));
}
