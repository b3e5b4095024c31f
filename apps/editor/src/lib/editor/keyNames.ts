/** How shortcuts are written for people and for assistive tech, on this platform. */

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** A ProseMirror key name's parts: "Mod-Shift--" → ["Mod", "Shift", "-"]. */
function keyParts(key: string): string[] {
  return key.split(/-(?!$)/);
}

/** A shortcut as this platform writes it, e.g. "Ctrl+Alt+1" or "⌘⌥1". */
export function formatShortcut(key: string): string {
  const names: Record<string, string> = isMac
    ? { Mod: '⌘', Alt: '⌥', Shift: '⇧', Enter: '↩', Tab: '⇥' }
    : { Mod: 'Ctrl', Alt: 'Alt', Shift: 'Shift', Enter: 'Enter', Tab: 'Tab' };
  return keyParts(key)
    .map((p) => names[p] ?? p.toUpperCase())
    .join(isMac ? '' : '+');
}

/** A shortcut as `aria-keyshortcuts` wants it, e.g. "Control+Alt+1" (Meta on Apple devices). */
export function ariaKeyShortcut(key: string): string {
  return keyParts(key)
    .map((p) => (p === 'Mod' ? (isMac ? 'Meta' : 'Control') : p.length === 1 ? p.toUpperCase() : p))
    .join('+');
}

/**
 * Whether a keydown is `key` (a ProseMirror key name). Letters and digits are compared by
 * physical key (`event.code`), because Alt changes `event.key` on macOS.
 */
export function matchesShortcut(event: KeyboardEvent, key: string): boolean {
  const parts = keyParts(key);
  const base = parts[parts.length - 1]!;
  const has = (name: string): boolean => parts.includes(name);
  const mod = isMac ? event.metaKey : event.ctrlKey;
  // Punctuation may need Shift on some layouts ("/" is Shift+7 on a German keyboard).
  const shiftMatters = has('Shift') || /^[a-z0-9]$/i.test(base);
  if (mod !== has('Mod') || event.altKey !== has('Alt') || (shiftMatters && event.shiftKey !== has('Shift')))
    return false;
  if (/^[a-z]$/i.test(base)) return event.code === `Key${base.toUpperCase()}`;
  if (/^[0-9]$/.test(base)) return event.code === `Digit${base}`;
  return event.key === base;
}
