import { isValidDocId } from '@tandem/crdt-bridge';
import { matchRoute } from '../router.svelte.js';
import { CollabDocument } from './CollabDocument.svelte.js';

let early: CollabDocument | null = null;

/**
 * Starts opening the document the page's address names before the app is built: the
 * connection, the join and the download then overlap with loading and mounting the editor
 * instead of following them (three round trips that each cost a network's latency).
 */
export function openEarly(path: string): void {
  const route = matchRoute(path);
  if (route.name === 'document' && isValidDocId(route.docId)) early = new CollabDocument(route.docId);
}

/** The document opened early if it is `docId` (handed over once), otherwise a newly opened one. */
export function openDocument(docId: string): CollabDocument {
  const taken = early;
  early = null;
  if (taken?.docId === docId) return taken;
  taken?.destroy();
  return new CollabDocument(docId);
}
