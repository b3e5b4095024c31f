/** How an open menu answers the keys it owns. */
export interface MenuKeyActions {
  /** How many items the menu has. */
  count: number;
  /** The index of the focused item (-1 when none is). */
  at: number;
  /** Focuses item `index` (always within 0..count-1). */
  focus(index: number): void;
  /** Escape: close and give focus back where the menu came from. */
  escape(): void;
  /** Tab: close and let focus move on. */
  tab(): void;
  /** Left and Right move too, for a menu laid out in a row. */
  across?: boolean;
}

/**
 * Handles a key pressed in an open menu (WAI-ARIA menu pattern): arrows move and wrap, Home
 * and End jump, Escape and Tab close. A key it handles goes no further than the menu.
 */
export function onMenuKey(event: KeyboardEvent, menu: MenuKeyActions): void {
  const step = (by: number) => () => menu.focus((((menu.at + by) % menu.count) + menu.count) % menu.count);
  const moves: Record<string, () => void> = {
    ArrowDown: step(1),
    ArrowUp: step(-1),
    Home: () => menu.focus(0),
    End: () => menu.focus(menu.count - 1),
    Escape: menu.escape,
    Tab: menu.tab,
    ...(menu.across && { ArrowRight: step(1), ArrowLeft: step(-1) }),
  };
  const move = moves[event.key];
  if (!move || menu.count === 0) return;
  if (event.key !== 'Tab') event.preventDefault();
  event.stopPropagation();
  move();
}

/** Which item a key on a menu's button opens it at: Down, Enter and Space the first, Up the last; null for other keys. */
export function menuOpeningKey(event: KeyboardEvent): 'first' | 'last' | null {
  if (event.key === 'ArrowDown' || event.key === 'Enter' || event.key === ' ') return 'first';
  return event.key === 'ArrowUp' ? 'last' : null;
}
