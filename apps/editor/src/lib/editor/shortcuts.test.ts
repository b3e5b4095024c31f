import { describe, expect, it } from 'vitest';
import { keyBindings } from './keymap.js';
import { EDITOR_ACTIONS, SHORTCUT_GROUPS, shortcutSheet } from './shortcuts.js';
import { TOOLBAR_GROUPS, toolName } from './toolbarItems.js';

const sheetKeys = new Set(shortcutSheet().flatMap((g) => g.rows.flatMap((r) => r.keys)));

describe('one table for the keymap, the toolbar and the shortcuts sheet', () => {
  it('lists every key the editor binds in the shortcuts sheet', () => {
    const bound = Object.keys(keyBindings({ link: () => undefined }));
    expect(bound.length).toBeGreaterThan(20);
    expect(bound.filter((key) => !sheetKeys.has(key))).toEqual([]);
  });

  it('lists the page’s own shortcuts too: the link editor, history and this sheet', () => {
    for (const key of ['Mod-k', 'Mod-Alt-Shift-h', 'Mod-/']) expect(sheetKeys).toContain(key);
  });

  it('ticks tasks with Ctrl/⌘+Enter, and lists it', () => {
    const row = shortcutSheet()
      .flatMap((g) => g.rows)
      .find((r) => r.keys.includes('Mod-Enter'));
    expect(row?.label).toMatch(/task/i);
  });

  it('shows every action under a heading of the sheet, each label once', () => {
    const labels = shortcutSheet().flatMap((g) => g.rows.map((r) => r.label));
    expect(labels).toHaveLength(EDITOR_ACTIONS.length);
    expect(new Set(labels).size).toBe(labels.length);
    expect(shortcutSheet().map((g) => g.group)).toEqual([...SHORTCUT_GROUPS]);
  });

  it('gives each toolbar button the label and first key of its action in the table', () => {
    for (const item of TOOLBAR_GROUPS.flat()) {
      const action = EDITOR_ACTIONS.find((a) => a.id === item.id);
      expect(action, item.id).toBeDefined();
      expect(item.label).toBe(action!.label);
      expect(item.shortcut).toBe(action!.keys[0]);
    }
  });

  it('names a button with a text glyph so that the name holds what is shown ("H1 Heading 1")', () => {
    const names = Object.fromEntries(TOOLBAR_GROUPS.flat().map((item) => [item.id, toolName(item)]));
    expect(names).toMatchObject({
      h1: 'H1 Heading 1',
      bold: 'Bold',
      'ordered-list': '1. Numbered list',
      hr: 'Divider',
    });
  });

  it('runs page actions through the handlers given, and leaves them to the page when none is given', () => {
    let opened = 0;
    const withLink = keyBindings({ link: () => opened++ });
    // A page action needs no editor state.
    const state = undefined as never;
    expect(withLink['Mod-k']!(state)).toBe(true);
    expect(opened).toBe(1);
    expect(withLink['Mod-/']!(state)).toBe(false);
  });
});
