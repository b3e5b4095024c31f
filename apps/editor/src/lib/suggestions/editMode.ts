import type { Role } from '@tandem/crdt-bridge';

/** Whether changes go in as they are typed, or as suggestions for someone to accept. */
export type EditMode = 'editing' | 'suggesting';

/** What a role allows: suggest (commenter and up), and choose to edit directly (editor and up). */
export function modeRights(role: Role | null): { maySuggest: boolean; mayEdit: boolean } {
  // No role yet (still joining) or open mode: the server decides; the page offers everything.
  if (role === null) return { maySuggest: true, mayEdit: true };
  return { maySuggest: role !== 'viewer', mayEdit: role === 'editor' || role === 'owner' };
}

/** The mode someone with `role` is in when they chose `chosen`: a commenter always suggests. */
export function effectiveMode(role: Role | null, chosen: EditMode): EditMode {
  return modeRights(role).mayEdit ? chosen : 'suggesting';
}
