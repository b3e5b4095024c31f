import { authHeaders } from './accessToken.js';

/**
 * Fetches the document's whole state over HTTP (`GET /api/docs/<id>/state`), started as the page
 * starts so that it arrives while the editor's code is still loading: the socket's join needs
 * three round trips, each waiting for a page busy starting up. Null when the server has none to
 * give (204: the join will say why) or cannot be reached; the document then opens through the
 * join alone.
 */
export async function fetchServerState(docId: string): Promise<Uint8Array | null> {
  try {
    // As the server's preload hint asks for it (no cache mode of its own), so it takes that answer.
    const res = await fetch(`/api/docs/${encodeURIComponent(docId)}/state`, { headers: authHeaders() });
    return res.status === 200 ? new Uint8Array(await res.arrayBuffer()) : null;
  } catch {
    return null;
  }
}
