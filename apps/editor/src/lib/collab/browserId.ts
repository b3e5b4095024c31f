/** Where this browser keeps the id that ties its tabs together in presence. */
export const BROWSER_ID_STORAGE_KEY = 'tandem.user-id';

/** 16 random URL-safe characters; `crypto.randomUUID` needs a secure context, a LAN address is not one. */
function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}

/**
 * The id every tab of this browser announces as `user.id`, so others show the person once
 * however many tabs they have open. Kept in localStorage; a fresh one per tab when storage
 * is unavailable (private mode), which only means such tabs show separately.
 */
export function browserId(storage: Pick<Storage, 'getItem' | 'setItem'> | null = safeLocalStorage()): string {
  try {
    const stored = storage?.getItem(BROWSER_ID_STORAGE_KEY);
    if (stored && /^[A-Za-z0-9_-]{16}$/.test(stored)) return stored;
    const fresh = randomId();
    storage?.setItem(BROWSER_ID_STORAGE_KEY, fresh);
    return fresh;
  } catch {
    return randomId();
  }
}

function safeLocalStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
