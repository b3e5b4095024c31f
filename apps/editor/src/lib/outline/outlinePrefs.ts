/** Where this browser remembers whether the outline is open. */
const OUTLINE_KEY = 'tandem.outline';

/** Whether the outline was left open in this browser (closed when storage is unavailable). */
export function outlineWasOpen(): boolean {
  try {
    return localStorage.getItem(OUTLINE_KEY) === 'open';
  } catch {
    return false;
  }
}

/** Remembers the outline open or closed for the next document opened in this browser. */
export function rememberOutline(open: boolean): void {
  try {
    localStorage.setItem(OUTLINE_KEY, open ? 'open' : 'closed');
  } catch {
    // A private window may refuse storage; the outline still works, it just is not remembered.
  }
}
