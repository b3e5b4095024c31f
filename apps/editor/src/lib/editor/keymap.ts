import { baseKeymap, chainCommands, exitCode, setBlockType } from 'prosemirror-commands';
import { keymap } from 'prosemirror-keymap';
import { liftListItem, sinkListItem, splitListItem } from 'prosemirror-schema-list';
import type { Command, Plugin } from 'prosemirror-state';
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
  toggleUnderline,
} from './commands.js';

const { nodes } = schema;

/** Undo/redo through y-prosemirror's per-user undo manager: you undo your own changes, never a collaborator's. */
const undoCommand: Command = (state) => undo(state);
const redoCommand: Command = (state) => redo(state);

/** Tandem's keyboard shortcuts (documented in the toolbar tooltips). */
export function tandemKeymap(): Plugin[] {
  const listItem = nodes.list_item!;
  const taskItem = nodes.task_item!;
  const bindings: Record<string, Command> = {
    'Mod-z': undoCommand,
    'Mod-Shift-z': redoCommand,
    'Mod-y': redoCommand,
    'Mod-b': toggleBold,
    'Mod-i': toggleItalic,
    'Mod-u': toggleUnderline,
    'Mod-Shift-x': toggleStrike,
    'Mod-e': toggleCode,
    'Mod-`': toggleCode,
    'Mod-Alt-0': setBlockType(nodes.paragraph!),
    'Mod-Alt-1': toggleBlock(nodes.heading!, { level: 1 }),
    'Mod-Alt-2': toggleBlock(nodes.heading!, { level: 2 }),
    'Mod-Alt-3': toggleBlock(nodes.heading!, { level: 3 }),
    'Mod-Alt-c': toggleBlock(nodes.code_block!),
    'Mod-Shift-7': toggleList(nodes.ordered_list!, listItem),
    'Mod-Shift-8': toggleList(nodes.bullet_list!, listItem),
    'Mod-Shift-9': toggleList(nodes.task_list!, taskItem),
    'Mod-Shift-.': toggleBlockquote,
    'Mod-Shift--': insertHorizontalRule,
    'Shift-Enter': chainCommands(exitCode, insertHardBreak),
    'Mod-Enter': chainCommands(exitCode, insertHardBreak),
    Enter: chainCommands(splitListItem(listItem), splitListItem(taskItem)),
    Tab: chainCommands(sinkListItem(listItem), sinkListItem(taskItem)),
    'Shift-Tab': chainCommands(liftListItem(listItem), liftListItem(taskItem)),
  };
  return [keymap(bindings), keymap(baseKeymap)];
}
