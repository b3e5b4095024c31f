import { parsePresenceUser, type PresenceUser } from '@tandem/crdt-bridge';

/** Where a person's chosen name and colour live in the browser. */
export const IDENTITY_STORAGE_KEY = 'tandem.user';

/** Colours that carry white text and stand out on both light and dark pages. */
export const USER_COLORS = [
  '#d9480f',
  '#2b8a3e',
  '#1971c2',
  '#ae3ec9',
  '#c2255c',
  '#0c8599',
  '#5f3dc4',
  '#e67700',
  '#364fc7',
  '#087f5b',
] as const;

const ADJECTIVES = [
  'Curious',
  'Brave',
  'Calm',
  'Clever',
  'Gentle',
  'Lively',
  'Merry',
  'Nimble',
  'Quiet',
  'Swift',
  'Sunny',
  'Witty',
];
const ANIMALS = [
  'Otter',
  'Falcon',
  'Panda',
  'Heron',
  'Fox',
  'Lynx',
  'Koala',
  'Robin',
  'Badger',
  'Dolphin',
  'Owl',
  'Hare',
];

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

/** A friendly random identity, e.g. "Curious Otter" in teal. */
export function randomIdentity(): PresenceUser {
  return { name: `${pick(ADJECTIVES)} ${pick(ANIMALS)}`, color: pick(USER_COLORS) };
}

function load(): PresenceUser {
  try {
    const stored = parsePresenceUser(JSON.parse(localStorage.getItem(IDENTITY_STORAGE_KEY) ?? 'null'));
    if (stored) return stored;
  } catch {
    // Unreadable storage: fall through to a fresh identity.
  }
  const fresh = randomIdentity();
  save(fresh);
  return fresh;
}

function save(identity: PresenceUser): void {
  try {
    localStorage.setItem(IDENTITY_STORAGE_KEY, JSON.stringify(identity));
  } catch {
    // Private mode or full storage: the identity lasts for this tab only.
  }
}

/** This browser's identity, reactive, kept in localStorage and in step across tabs. */
class Identity {
  current = $state<PresenceUser>(load());

  constructor() {
    window.addEventListener('storage', (event) => {
      if (event.key !== IDENTITY_STORAGE_KEY) return;
      const next = parsePresenceUser(JSON.parse(event.newValue ?? 'null'));
      if (next) this.current = next;
    });
  }

  /** Changes the name and/or colour; invalid values are ignored. Returns whether it changed. */
  update(change: Partial<PresenceUser>): boolean {
    const next = parsePresenceUser({ ...this.current, ...change });
    if (!next || (next.name === this.current.name && next.color === this.current.color)) return false;
    this.current = next;
    save(next);
    return true;
  }
}

/** The person using this browser. */
export const identity = new Identity();

/** Up to two initials for an avatar: "Curious Otter" → "CO". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]![0], words[words.length - 1]![0]] : [...(words[0] ?? '?')].slice(0, 2);
  return letters.join('').toUpperCase();
}
