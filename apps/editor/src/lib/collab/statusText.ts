import { ErrorCode, type SessionStatus } from '@tandem/crdt-bridge';

/** Codes with which a join can be refused; the document then stays closed until the person tries again. */
const JOIN_REFUSALS: ReadonlySet<ErrorCode> = new Set([
  ErrorCode.Forbidden,
  ErrorCode.TooManyDocuments,
  ErrorCode.LoadFailed,
  ErrorCode.QuotaExceeded,
  ErrorCode.ProtocolVersionMismatch,
  ErrorCode.InvalidDocId,
]);

/** How the status indicator should look: calm, busy, or asking for attention. */
export type StatusTone = 'ok' | 'busy' | 'warn' | 'error';

/** Words a person understands for where their document stands. */
export function statusText(status: SessionStatus): { text: string; tone: StatusTone; detail: string } {
  if (status.error?.code === ErrorCode.AccessRevoked) {
    return { text: 'Access withdrawn', tone: 'error', detail: status.error.message };
  }
  if (status.error?.code === ErrorCode.Unauthorized) {
    return { text: 'Not signed in', tone: 'error', detail: status.error.message };
  }
  if (status.error?.code === ErrorCode.StorageUnavailable) {
    return {
      text: 'Not saved yet',
      tone: 'warn',
      detail: "The server can't save right now. Your changes are kept and will be saved when it recovers.",
    };
  }
  if (status.error?.code === ErrorCode.DocumentDeleted) {
    return { text: 'Deleted', tone: 'error', detail: 'This document was deleted; changes made here are not saved.' };
  }
  if (status.error?.code === ErrorCode.DocumentInTrash) {
    return {
      text: 'In Trash',
      tone: 'error',
      detail: 'This document is in Trash; it is not syncing, and changes made here are not saved.',
    };
  }
  if (status.error?.code === ErrorCode.DocumentNotFound) {
    return { text: 'No such document', tone: 'error', detail: status.error.message };
  }
  if (status.error?.code === ErrorCode.ServerBusy) {
    return { text: 'Server busy — Tandem will try again shortly', tone: 'warn', detail: status.error.message };
  }
  // Connected but never synced, with an error: the server refused to open the document.
  if (status.connection === 'syncing' && status.error && JOIN_REFUSALS.has(status.error.code)) {
    return { text: 'Not opened', tone: 'error', detail: status.error.message };
  }
  switch (status.connection) {
    case 'connecting':
      return { text: 'Connecting…', tone: 'busy', detail: 'Reaching the Tandem server.' };
    case 'offline':
      return {
        text: 'Offline — your changes will sync when you reconnect',
        tone: 'warn',
        detail:
          status.unsavedChanges > 0
            ? 'You have changes that are not on the server yet. Keep this tab open until you are back online.'
            : 'Tandem will reconnect by itself.',
      };
    case 'syncing':
      return { text: 'Syncing…', tone: 'busy', detail: 'Catching up with the server.' };
    case 'synced':
      if (status.role === 'viewer')
        return { text: 'View only', tone: 'ok', detail: 'You can read this document but not change it.' };
      return status.save === 'saving'
        ? { text: 'Saving…', tone: 'busy', detail: 'Storing your latest changes on the server.' }
        : { text: 'Saved', tone: 'ok', detail: 'Every change is stored on the server.' };
  }
}
