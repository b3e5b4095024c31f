import { cleanColor, cleanName } from '@tandem/crdt-bridge/presence';
import type { Member } from '../rooms/Member.js';
import type { Room } from '../rooms/Room.js';

/** A person as their presence names them. */
export interface Identity {
  name: string;
  /** `#rrggbb`, or null when presence gave none (or an odd one). */
  color: string | null;
}

/**
 * Who `member` is, from the presence (awareness `user: { name, color }`) it announced
 * in `room`, or null while it has announced none. Tandem's editor shares one Y.Doc
 * per awareness, so these presence ids are also the member's Yjs client ids.
 */
export function memberIdentity(room: Room, member: Member): Identity | null {
  for (const id of member.awarenessIds) {
    // Unlike `readPresence`, a name alone is enough to credit someone's changes.
    const state = room.presenceOf(member, id) as { user?: { name?: unknown; color?: unknown } } | null;
    const name = cleanName(state?.user?.name);
    if (name === null) continue;
    return { name, color: cleanColor(state?.user?.color) };
  }
  return null;
}
