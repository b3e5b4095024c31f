import type { Alignment } from '@tandem/crdt-bridge';
import { setAlign } from './alignment.js';
import type { EditorAction } from './shortcuts.js';

/** One alignment choice: its action id, words, key (as Google Docs binds them) and stored value. */
export const ALIGN_CHOICES = [
  { id: 'align-left', label: 'Align left', key: 'Mod-Shift-l', align: null },
  { id: 'align-center', label: 'Align center', key: 'Mod-Shift-e', align: 'center' },
  { id: 'align-right', label: 'Align right', key: 'Mod-Shift-r', align: 'right' },
  { id: 'align-justify', label: 'Justify', key: 'Mod-Shift-j', align: 'justify' },
] as const satisfies readonly { id: string; label: string; key: string; align: Alignment | null }[];

/** The alignment rows of the shortcuts table. */
export const ALIGN_ACTIONS: readonly EditorAction[] = ALIGN_CHOICES.map(({ id, label, key, align }) => ({
  id,
  label,
  keys: [key],
  group: 'Paragraphs',
  run: setAlign(align),
}));
