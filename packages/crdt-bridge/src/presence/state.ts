import { cutText } from '../cut.js';

/**
 * Longest display name of a person, in UTF-16 code units: in presence (carets, avatars,
 * "is typing"), in an access token (which the server stamps into presence) and in the
 * authors of versions. Long enough for long real names, short enough for a caret label.
 */
export const MAX_NAME_LENGTH = 60;

/** A colour as presence carries it: `#rrggbb`, the only form y-prosemirror's carets and selection tints accept. */
const COLOR_PATTERN = /^#[0-9a-f]{6}$/i;

/** What a person's id may look like: what the editor generates (and a token's subject usually is). */
const USER_ID_PATTERN = /^[A-Za-z0-9_.:@-]{1,64}$/;

/** A person as others see them. */
export interface PresenceUser {
  name: string;
  /** `#rrggbb`, lower case. */
  color: string;
  /**
   * The same for every tab (client) of one person, so others can show them once; absent
   * from older clients. Claimed by the client, so it groups avatars and decides nothing else.
   */
  id?: string;
}

/** Where someone's caret and selection are: y-prosemirror's relative positions, as JSON. */
export interface PresenceCursor {
  anchor: unknown;
  head: unknown;
}

/**
 * What a Tandem client puts in its awareness state for a document. The editor writes
 * `user` and `typing`; y-prosemirror writes `cursor`. States come from other clients,
 * so read them with {@link readPresence}, never by casting.
 */
export interface PresenceState {
  user: PresenceUser;
  /** Null while the person's editor is not focused. */
  cursor: PresenceCursor | null;
  /** Whether they typed within the last couple of seconds. */
  typing: boolean;
}

/** A display name from untrusted input: trimmed, cut to {@link MAX_NAME_LENGTH}; null when empty or not text. */
export function cleanName(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const name = cutText(value.trim(), MAX_NAME_LENGTH).trim();
  return name === '' ? null : name;
}

/** A colour from untrusted input, lower-cased; null unless it is `#rrggbb`. */
export function cleanColor(value: unknown): string | null {
  return typeof value === 'string' && COLOR_PATTERN.test(value) ? value.toLowerCase() : null;
}

/** A person's id from untrusted input; null unless it is 1–64 characters of letters, digits and `_.:@-`. */
export function cleanUserId(value: unknown): string | null {
  return typeof value === 'string' && USER_ID_PATTERN.test(value) ? value : null;
}

/** A person from untrusted input (`{ name, color, id? }`), cleaned; null unless name and colour are usable. */
export function parsePresenceUser(value: unknown): PresenceUser | null {
  if (typeof value !== 'object' || value === null) return null;
  const { name, color, id } = value as { name?: unknown; color?: unknown; id?: unknown };
  const cleanedName = cleanName(name);
  const cleanedColor = cleanColor(color);
  if (cleanedName === null || cleanedColor === null) return null;
  const cleanedId = cleanUserId(id);
  return { name: cleanedName, color: cleanedColor, ...(cleanedId !== null && { id: cleanedId }) };
}

/**
 * An awareness state from another client, read as Tandem presence: null when it names
 * no usable person (another kind of client, or a hostile one); otherwise the person,
 * their caret (null unless it has both ends) and whether they type.
 */
export function readPresence(state: unknown): PresenceState | null {
  if (typeof state !== 'object' || state === null) return null;
  const { user, cursor, typing } = state as { user?: unknown; cursor?: unknown; typing?: unknown };
  const person = parsePresenceUser(user);
  if (person === null) return null;
  const caret =
    typeof cursor === 'object' && cursor !== null && 'anchor' in cursor && 'head' in cursor
      ? { anchor: cursor.anchor, head: cursor.head }
      : null;
  return { user: person, cursor: caret, typing: typing === true };
}
