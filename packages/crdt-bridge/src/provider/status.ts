import type { DocError } from '../protocol/errors.js';
import type { Role } from '../protocol/events.js';

/**
 * Where a document session stands with the server:
 * - `connecting`: first attempt to reach the server, nothing shown yet can be trusted as shared;
 * - `syncing`: connected and joined, exchanging what each side lacks;
 * - `synced`: this copy holds everything the server had when it joined, and live updates flow;
 * - `offline`: the connection dropped or cannot be made; edits stay local until it returns.
 */
export type ConnectionStatus = 'connecting' | 'syncing' | 'synced' | 'offline';

/** Whether every local change has been acknowledged as durably stored by the server. */
export type SaveStatus = 'saving' | 'saved';

/** Everything a UI needs to tell a person where their document stands. */
export interface SessionStatus {
  connection: ConnectionStatus;
  save: SaveStatus;
  /** Local changes not yet acknowledged as stored (sent and waiting, or made while offline). */
  unsavedChanges: number;
  /** The latest error the server reported for this document, cleared once things recover. */
  error: DocError | null;
  /** What the server lets this connection do here, once joined (owner in open mode). */
  role: Role | null;
}

/** True when two statuses would render the same. */
export function sameStatus(a: SessionStatus, b: SessionStatus): boolean {
  return (
    a.connection === b.connection &&
    a.save === b.save &&
    a.unsavedChanges === b.unsavedChanges &&
    a.role === b.role &&
    a.error?.code === b.error?.code &&
    a.error?.message === b.error?.message
  );
}
