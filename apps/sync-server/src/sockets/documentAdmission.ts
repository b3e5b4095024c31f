import { ErrorCode, type DocError, type Role } from '@tandem/crdt-bridge/protocol';
import { atLeast } from '../auth/roles.js';
import type { Quotas } from '../limits/Quotas.js';
import type { RoomRegistry } from '../rooms/RoomRegistry.js';
import type { DocumentStore } from '../storage/DocumentStore.js';

/** What deciding about a join needs. */
export interface AdmissionDeps {
  registry: RoomRegistry;
  store: DocumentStore;
  quotas: Quotas;
}

/** Why a document that was there a moment ago is gone (a join raced its move to Trash or its deletion). */
export async function goneRefusal(store: DocumentStore, docId: string): Promise<DocError> {
  const inTrash = (await store.trash.entry(docId).catch(() => null)) !== null;
  return inTrash
    ? { docId, code: ErrorCode.DocumentInTrash, message: 'This document is in Trash. Restore it to open it again.' }
    : { docId, code: ErrorCode.DocumentDeleted, message: 'This document was deleted.' };
}

/** How long a creation is remembered once done (far longer than looking a document up takes). */
const CREATION_MEMORY_MS = 5_000;

/** Documents being created by a join, per store: joins racing to create one wait for the first. */
const creations = new WeakMap<DocumentStore, Map<string, Promise<unknown>>>();

/**
 * Makes sure the document a join names exists, creating it when the joiner may: a join
 * may create only what `POST /api/docs` would let the same person create (an editor, within
 * their quota), and never a document that is in Trash or was deleted. Resolves with the refusal, or null
 * once the document exists. `identity` is whom the creation counts against (`quotaIdentity`).
 */
export async function admitToDocument(
  deps: AdmissionDeps,
  docId: string,
  role: Role,
  identity: string,
): Promise<DocError | null> {
  if (deps.registry.get(docId) || (await deps.store.get(docId))) return null;
  if ((await deps.store.trash.entry(docId)) !== null) {
    return {
      docId,
      code: ErrorCode.DocumentInTrash,
      message: 'This document is in Trash. Restore it to open it again.',
    };
  }
  if ((await deps.store.deletedAt(docId)) !== null) {
    return {
      docId,
      code: ErrorCode.DocumentDeleted,
      message: 'This document was deleted.',
    };
  }
  if (!atLeast(role, 'editor')) {
    return {
      docId,
      code: ErrorCode.DocumentNotFound,
      message: 'There is no document at this address. Check the link, or ask the person who shared it.',
    };
  }
  // Several joins at once (a link opened in many tabs) create it once, and count once against the quota.
  let pending = creations.get(deps.store);
  if (!pending) creations.set(deps.store, (pending = new Map()));
  const inFlight = pending.get(docId);
  if (inFlight) {
    await inFlight;
    return null;
  }
  const refusal = deps.quotas.documentCreation(identity);
  if (refusal) return { docId, code: ErrorCode.QuotaExceeded, message: refusal.message };
  const creation = deps.store.ensure(docId, Date.now());
  pending.set(docId, creation);
  // Kept a little after it is done: a join that looked for the document before this commit still finds it here.
  const forget = (): void => void setTimeout(() => pending.delete(docId), CREATION_MEMORY_MS).unref();
  creation.then(forget, () => pending.delete(docId));
  await creation;
  return null;
}
