import { USER_COLORS, parsePresenceUser, type PresenceUser } from '@tandem/crdt-bridge';
import { TOKEN_STORAGE_KEY, linkName } from './accessToken.js';

/** Where a person's chosen name and colour live in the browser. */
export const IDENTITY_STORAGE_KEY = 'tandem.user';

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
  return { name: `${pick(ADJECTIVES)} ${pick(ANIMALS)}`, color: pick(USER_COLORS).value };
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

/**
 * This browser's identity, reactive, kept in localStorage and in step across tabs. In token
 * mode a link that names its holder fixes the name (the server stamps it on presence); the
 * colour stays the person's choice.
 */
class Identity {
  private chosen = $state<PresenceUser>(load());
  /** The name the access link gives, if any; re-read when a new link signs this browser in. */
  fromLink = $state<string | null>(linkName());

  /** The name and colour others see. */
  get current(): PresenceUser {
    return this.fromLink === null ? this.chosen : { ...this.chosen, name: this.fromLink };
  }

  set current(next: PresenceUser) {
    this.chosen = next;
  }

  constructor() {
    window.addEventListener('storage', (event) => {
      if (event.key === TOKEN_STORAGE_KEY) this.fromLink = linkName();
      if (event.key !== IDENTITY_STORAGE_KEY) return;
      const next = parsePresenceUser(JSON.parse(event.newValue ?? 'null'));
      if (next) this.current = next;
    });
  }

  /** Refreshes the link's name after a new link signed this browser in. */
  signedIn(): void {
    this.fromLink = linkName();
  }

  /** Changes the name and/or colour; invalid values are ignored. Returns whether it changed. */
  update(change: Partial<PresenceUser>): boolean {
    // The link's name is not the person's to change: keep their own for when no link names them.
    const next = parsePresenceUser({
      ...this.chosen,
      ...change,
      ...(this.fromLink !== null && { name: this.chosen.name }),
    });
    if (!next || (next.name === this.chosen.name && next.color === this.chosen.color)) return false;
    this.chosen = next;
    save(next);
    return true;
  }
}

/** The person using this browser. */
export const identity = new Identity();

export { initials } from './initials.js';
