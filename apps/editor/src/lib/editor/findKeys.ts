import { matchesShortcut } from './keyNames.js';
import { editorAction } from './shortcuts.js';

/** The find bar's page-wide keys. */
export type FindKey = 'find' | 'replace' | 'find-next' | 'find-previous';

const FIND_KEYS: readonly FindKey[] = ['find', 'replace', 'find-previous', 'find-next'];

/** Which find key `event` is (from the shortcuts table), or null. Shift+F3 is tested before F3. */
export function findKey(event: KeyboardEvent): FindKey | null {
  if (event.defaultPrevented) return null;
  return FIND_KEYS.find((id) => editorAction(id).keys.some((key) => matchesShortcut(event, key))) ?? null;
}
