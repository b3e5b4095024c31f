import { authHeaders } from '../collab/accessToken.js';
import { ImageUploadError } from './imageUpload.js';

/** The address of a document's image on this server (as the upload answers it). */
export function imagePath(docId: string, imageId: string): string {
  return `/api/docs/${encodeURIComponent(docId)}/images/${imageId}`;
}

interface Entry {
  url: Promise<string>;
  users: number;
  timer?: ReturnType<typeof setTimeout>;
}

const entries = new Map<string, Entry>();
/** An unused object URL is kept this long: ProseMirror often rebuilds a node view on the spot. */
const KEEP_UNUSED_MS = 30_000;

function keyOf(docId: string, imageId: string): string {
  return `${docId}/${imageId}`;
}

/**
 * Fetches an image's bytes with the access token in the Authorization header and makes an
 * object URL of them, so the token never appears in an `<img src>`, the document, or a
 * URL someone could copy. One fetch per image however often it is shown.
 */
async function fetchObjectUrl(docId: string, imageId: string): Promise<string> {
  const res = await fetch(imagePath(docId, imageId), { headers: authHeaders(), credentials: 'omit' });
  if (!res.ok) throw new Error(`image answered ${res.status}`);
  return URL.createObjectURL(await res.blob());
}

/**
 * The bytes of an image of another document on this server, to copy them into this one
 * (images are stored per document). Sent with this page's access, which in open mode reaches
 * every document and with a link only its own.
 */
export async function fetchImageCopy(docId: string, imageId: string): Promise<Blob> {
  let res: Response;
  try {
    res = await fetch(imagePath(docId, imageId), { headers: authHeaders(), credentials: 'omit' });
  } catch {
    throw new ImageUploadError('The image could not be copied. Check the connection and try again.');
  }
  if (res.status === 401 || res.status === 403 || res.status === 404)
    throw new ImageUploadError('The image could not be copied: this page has no access to the document it came from.');
  if (!res.ok) throw new ImageUploadError(`The image could not be copied (the server answered ${res.status}).`);
  return res.blob();
}

/** Whether this browser already holds the image (fetched or uploaded here), so showing it costs no download. */
export function hasImageUrl(docId: string, imageId: string): boolean {
  return entries.has(keyOf(docId, imageId));
}

/** An object URL for the image; call {@link releaseImageUrl} once it is no longer shown. */
export function acquireImageUrl(docId: string, imageId: string): Promise<string> {
  const key = keyOf(docId, imageId);
  let entry = entries.get(key);
  if (!entry) {
    entry = { url: fetchObjectUrl(docId, imageId), users: 0 };
    entries.set(key, entry);
    // A failure is not remembered: the next view of it tries again.
    entry.url.catch(() => entries.delete(key));
  }
  clearTimeout(entry.timer);
  entry.users++;
  return entry.url;
}

/** One fewer view shows the image; when none has for a while, its object URL is revoked. */
export function releaseImageUrl(docId: string, imageId: string): void {
  const key = keyOf(docId, imageId);
  const entry = entries.get(key);
  if (!entry) return;
  entry.users = Math.max(0, entry.users - 1);
  if (entry.users > 0) return;
  entry.timer = setTimeout(() => {
    entries.delete(key);
    void entry.url.then((url) => URL.revokeObjectURL(url)).catch(() => undefined);
  }, KEEP_UNUSED_MS);
}

/** Remembers bytes this browser just uploaded, so showing them needs no download. */
export function rememberImage(docId: string, imageId: string, blob: Blob): void {
  const key = keyOf(docId, imageId);
  if (entries.has(key)) return;
  entries.set(key, { url: Promise.resolve(URL.createObjectURL(blob)), users: 0 });
}
