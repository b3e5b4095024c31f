import type { Command, EditorState } from 'prosemirror-state';
import { schema } from '@tandem/crdt-bridge';
import {
  blockActive,
  insertHorizontalRule,
  insideNode,
  markActive,
  toggleBlock,
  toggleBlockquote,
  toggleBold,
  toggleCode,
  toggleItalic,
  toggleList,
  toggleStrike,
  toggleUnderline,
} from './commands.js';

const { nodes, marks } = schema;

/** One toolbar button: what it shows, what it says to assistive tech, what it does. */
export interface ToolbarItem {
  id: string;
  /** Short visible glyph. */
  glyph: string;
  /** Accessible name. */
  label: string;
  /** Shortcut shown in the tooltip, with "Mod" for Ctrl/⌘. */
  shortcut?: string;
  command: Command;
  /** Pressed state; absent for one-shot actions. */
  active?: (state: EditorState) => boolean;
  /** Visual style of the glyph. */
  style?: 'bold' | 'italic' | 'underline' | 'strike' | 'mono';
  /** An icon to draw instead of the glyph. */
  icon?: 'link';
  /** Opens a UI instead of running a command directly. */
  opens?: 'link';
}

/** Buttons in groups; groups are separated visually. */
export const TOOLBAR_GROUPS: ToolbarItem[][] = [
  [
    {
      id: 'paragraph',
      glyph: '¶',
      label: 'Normal text',
      shortcut: 'Mod-Alt-0',
      command: toggleBlock(nodes.paragraph!),
      active: (s) => blockActive(s, nodes.paragraph!),
    },
    {
      id: 'h1',
      glyph: 'H1',
      label: 'Heading 1',
      shortcut: 'Mod-Alt-1',
      command: toggleBlock(nodes.heading!, { level: 1 }),
      active: (s) => blockActive(s, nodes.heading!, { level: 1 }),
    },
    {
      id: 'h2',
      glyph: 'H2',
      label: 'Heading 2',
      shortcut: 'Mod-Alt-2',
      command: toggleBlock(nodes.heading!, { level: 2 }),
      active: (s) => blockActive(s, nodes.heading!, { level: 2 }),
    },
    {
      id: 'h3',
      glyph: 'H3',
      label: 'Heading 3',
      shortcut: 'Mod-Alt-3',
      command: toggleBlock(nodes.heading!, { level: 3 }),
      active: (s) => blockActive(s, nodes.heading!, { level: 3 }),
    },
  ],
  [
    {
      id: 'bold',
      glyph: 'B',
      label: 'Bold',
      shortcut: 'Mod-B',
      command: toggleBold,
      active: (s) => markActive(s, marks.bold!),
      style: 'bold',
    },
    {
      id: 'italic',
      glyph: 'I',
      label: 'Italic',
      shortcut: 'Mod-I',
      command: toggleItalic,
      active: (s) => markActive(s, marks.italic!),
      style: 'italic',
    },
    {
      id: 'underline',
      glyph: 'U',
      label: 'Underline',
      shortcut: 'Mod-U',
      command: toggleUnderline,
      active: (s) => markActive(s, marks.underline!),
      style: 'underline',
    },
    {
      id: 'strike',
      glyph: 'S',
      label: 'Strikethrough',
      shortcut: 'Mod-Shift-X',
      command: toggleStrike,
      active: (s) => markActive(s, marks.strike!),
      style: 'strike',
    },
    {
      id: 'link',
      glyph: '',
      icon: 'link',
      label: 'Link',
      shortcut: 'Mod-K',
      command: () => true,
      active: (s) => markActive(s, marks.link!),
      opens: 'link',
    },
    {
      id: 'code',
      glyph: '</>',
      label: 'Inline code',
      shortcut: 'Mod-E',
      command: toggleCode,
      active: (s) => markActive(s, marks.code!),
      style: 'mono',
    },
  ],
  [
    {
      id: 'bullet-list',
      glyph: '•≡',
      label: 'Bulleted list',
      shortcut: 'Mod-Shift-8',
      command: toggleList(nodes.bullet_list!, nodes.list_item!),
      active: (s) => insideNode(s, nodes.bullet_list!),
    },
    {
      id: 'ordered-list',
      glyph: '1.',
      label: 'Numbered list',
      shortcut: 'Mod-Shift-7',
      command: toggleList(nodes.ordered_list!, nodes.list_item!),
      active: (s) => insideNode(s, nodes.ordered_list!),
    },
    {
      id: 'task-list',
      glyph: '☑',
      label: 'Task list',
      shortcut: 'Mod-Shift-9',
      command: toggleList(nodes.task_list!, nodes.task_item!),
      active: (s) => insideNode(s, nodes.task_list!),
    },
  ],
  [
    {
      id: 'blockquote',
      glyph: '❝',
      label: 'Quote',
      shortcut: 'Mod-Shift-.',
      command: toggleBlockquote,
      active: (s) => insideNode(s, nodes.blockquote!),
    },
    {
      id: 'code-block',
      glyph: '{ }',
      label: 'Code block',
      shortcut: 'Mod-Alt-C',
      command: toggleBlock(nodes.code_block!),
      active: (s) => blockActive(s, nodes.code_block!),
      style: 'mono',
    },
    { id: 'hr', glyph: '—', label: 'Divider', shortcut: 'Mod-Shift--', command: insertHorizontalRule },
  ],
];

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** A shortcut as this platform writes it, e.g. "Ctrl+Alt+1" or "⌘⌥1". */
export function formatShortcut(shortcut: string): string {
  const parts = shortcut.split(/-(?!$)/);
  const names: Record<string, string> = isMac
    ? { Mod: '⌘', Alt: '⌥', Shift: '⇧' }
    : { Mod: 'Ctrl', Alt: 'Alt', Shift: 'Shift' };
  return parts.map((p) => names[p] ?? p.toUpperCase()).join(isMac ? '' : '+');
}
