import type { CreateShareLinkRequest, ShareLinkJSON, ShareLinkListJSON } from '@tandem/crdt-bridge';
import { callApi } from './documentsApi.js';

const base = (docId: string): string => `/api/docs/${encodeURIComponent(docId)}/links`;

/** Every working link that opens the document (owners only). */
export async function listLinks(docId: string): Promise<ShareLinkJSON[]> {
  const body = await callApi<ShareLinkListJSON>(base(docId), {}, 'The links could not be loaded.');
  return body.links;
}

/** Creates a link to the document for `request.role`. */
export function createLink(docId: string, request: CreateShareLinkRequest): Promise<ShareLinkJSON> {
  return callApi(
    base(docId),
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) },
    'The link could not be created.',
  );
}

/** Revokes a link: it stops working at once, for everyone who has it. */
export function revokeLink(docId: string, linkId: string): Promise<void> {
  return callApi(
    `${base(docId)}/${encodeURIComponent(linkId)}`,
    { method: 'DELETE' },
    'The link could not be revoked.',
  );
}

/** A link's address as a person sends it: absolute, on this server. */
export function absoluteUrl(path: string): string {
  return new URL(path, window.location.origin).href;
}
