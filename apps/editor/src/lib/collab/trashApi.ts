import type { DocumentJSON, TrashEntryJSON, TrashListJSON } from '@tandem/crdt-bridge';
import { callApi } from './documentsApi.js';

const entryPath = (docId: string): string => `/api/trash/${encodeURIComponent(docId)}`;

/** The documents in Trash this person may see, most recently deleted first. */
export async function listTrash(): Promise<TrashEntryJSON[]> {
  const body = await callApi<TrashListJSON>('/api/trash', {}, 'Trash could not be loaded.');
  return body.documents;
}

/** One document's Trash entry: when it goes for good and what this person may do with it. */
export function trashEntry(docId: string): Promise<TrashEntryJSON> {
  return callApi(entryPath(docId), {}, 'This document’s place in Trash could not be looked up.');
}

/** Takes a document out of Trash, as it was, for everyone. */
export function restoreFromTrash(docId: string): Promise<DocumentJSON> {
  return callApi(`${entryPath(docId)}/restore`, { method: 'POST' }, 'The document could not be restored.');
}

/** Deletes a document in Trash for good, with its history and links. */
export function deleteForever(docId: string): Promise<void> {
  return callApi(entryPath(docId), { method: 'DELETE' }, 'The document could not be deleted.');
}
