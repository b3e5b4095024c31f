import type { Command, EditorState } from 'prosemirror-state';
import type { IconName } from '../ui/Icon.svelte';
import { schema } from '@tandem/crdt-bridge';
import { blockActive, insideNode, markActive } from './commands.js';
import { ALIGN_CHOICES } from './alignActions.js';
import { alignActive } from './alignment.js';
import { editorAction, type EditorAction } from './shortcuts.js';

const { nodes, marks } = schema;

/** One toolbar button: an action from the shortcuts table, and how the button shows it. */
export interface ToolbarItem {
  id: string;
  /** Short visible glyph. */
  glyph: string;
  /** Plain words, from the shortcuts table. */
  label: string;
  /** The shortcut the tooltip shows (ProseMirror key name), from the shortcuts table. */
  shortcut?: string;
  command: Command;
  /** Pressed state; absent for one-shot actions. */
  active?: (state: EditorState) => boolean;
  /** Visual style of the glyph. */
  style?: 'bold' | 'italic' | 'underline' | 'strike' | 'mono';
  /** An icon to draw instead of the glyph. */
  icon?: IconName;
  /** Opens a UI instead of running a command directly. */
  opens?: 'link' | 'image' | 'comment';
}

type Look = Pick<ToolbarItem, 'glyph' | 'active' | 'style' | 'icon'>;

/** A button for the action `id` of the shortcuts table, drawn as `look`. */
function tool(id: string, look: Look): ToolbarItem {
  const action: EditorAction = editorAction(id);
  const { run } = action;
  return {
    id,
    label: action.label,
    ...(action.keys[0] !== undefined && { shortcut: action.keys[0] }),
    command: typeof run === 'function' ? run : () => true,
    ...((run === 'link' || run === 'image' || run === 'comment') && { opens: run }),
    ...look,
  };
}

/** Buttons in groups; groups are separated visually. */
export const TOOLBAR_GROUPS: ToolbarItem[][] = [
  [
    tool('paragraph', { glyph: '¶', active: (s) => blockActive(s, nodes.paragraph!) }),
    ...([1, 2, 3] as const).map((level) =>
      tool(`h${level}`, { glyph: `H${level}`, active: (s) => blockActive(s, nodes.heading!, { level }) }),
    ),
  ],
  [
    tool('bold', { glyph: 'B', active: (s) => markActive(s, marks.bold!), style: 'bold' }),
    tool('italic', { glyph: 'I', active: (s) => markActive(s, marks.italic!), style: 'italic' }),
    tool('underline', { glyph: 'U', active: (s) => markActive(s, marks.underline!), style: 'underline' }),
    tool('strike', { glyph: 'S', active: (s) => markActive(s, marks.strike!), style: 'strike' }),
    tool('link', { glyph: '', icon: 'link', active: (s) => markActive(s, marks.link!) }),
    tool('code', { glyph: '</>', active: (s) => markActive(s, marks.code!), style: 'mono' }),
  ],
  [
    tool('bullet-list', { glyph: '•≡', active: (s) => insideNode(s, nodes.bullet_list!) }),
    tool('ordered-list', { glyph: '1.', active: (s) => insideNode(s, nodes.ordered_list!) }),
    tool('task-list', { glyph: '☑', active: (s) => insideNode(s, nodes.task_list!) }),
  ],
  [
    tool('blockquote', { glyph: '❝', active: (s) => insideNode(s, nodes.blockquote!) }),
    tool('code-block', { glyph: '{ }', active: (s) => blockActive(s, nodes.code_block!), style: 'mono' }),
    tool('hr', { glyph: '—' }),
    tool('image', { glyph: '', icon: 'image' }),
    tool('comment', { glyph: '', icon: 'comment' }),
  ],
  ALIGN_CHOICES.map(({ id, align }) => tool(id, { glyph: '', icon: id, active: (s) => alignActive(s, align) })),
];

/**
 * A button's accessible name. Where its glyph is readable text the label does not start
 * with ("H1" for "Heading 1"), the name starts with the glyph, so people who use speech
 * input can say what they see (WCAG 2.5.3, Label in Name).
 */
export function toolName(item: ToolbarItem): string {
  const readable = /[\p{L}\p{N}]/u.test(item.glyph);
  return readable && !item.label.toLowerCase().startsWith(item.glyph.toLowerCase())
    ? `${item.glyph} ${item.label}`
    : item.label;
}

export { formatShortcut } from './keyNames.js';
