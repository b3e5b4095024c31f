import type { Member } from '../rooms/Member.js';
import type { Room } from '../rooms/Room.js';

/** A person as their presence names them. */
export interface Identity {
  name: string;
  /** 6-digit hex colour, or null when presence gave none (or an odd one). */
  color: string | null;
}

/** Longest name kept in history (presence allows more; a version list does not need it). */
export const MAX_AUTHOR_LENGTH = 80;

/** A display name from untrusted input: trimmed, shortened, or null when empty or not a string. */
export function cleanName(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const name = value.trim().slice(0, MAX_AUTHOR_LENGTH);
  return name === '' ? null : name;
}

/**
 * Who `member` is, from the presence (awareness `user: { name, color }`) it announced
 * in `room`, or null while it has announced none. Tandem's editor shares one Y.Doc
 * per awareness, so these presence ids are also the member's Yjs client ids.
 */
export function memberIdentity(room: Room, member: Member): Identity | null {
  for (const id of member.awarenessIds) {
    const user = (room.presenceOf(member, id) as { user?: { name?: unknown; color?: unknown } } | null)?.user;
    const name = cleanName(user?.name);
    if (name === null) continue;
    const color = typeof user?.color === 'string' && /^#[0-9a-f]{6}$/i.test(user.color) ? user.color : null;
    return { name, color };
  }
  return null;
}
