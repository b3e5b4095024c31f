import { authHeaders } from '../collab/accessToken.js';

/** The image types the server accepts (it checks the bytes itself). */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

/** The words for a refused type, the same as the server's. */
export const UNSUPPORTED_IMAGE = 'Only PNG, JPEG, GIF and WebP images can be added.';

/** An upload that did not work, with a sentence for the person who tried. */
export class ImageUploadError extends Error {}

function problem(xhr: XMLHttpRequest): ImageUploadError {
  if (xhr.status === 0) return new ImageUploadError('The image could not be sent. Check the connection and try again.');
  try {
    const body = JSON.parse(xhr.responseText) as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string') return new ImageUploadError(body.error.message);
  } catch {
    // Not our JSON (a proxy's page): say it plainly below.
  }
  return new ImageUploadError(`The image could not be added (the server answered ${xhr.status}).`);
}

/**
 * Uploads an image to the document with XMLHttpRequest, whose upload events report progress
 * (fetch has none); resolves with the image's id. `onProgress` gets a fraction from 0 to 1.
 */
export function uploadImage(docId: string, blob: Blob, onProgress: (fraction: number) => void): Promise<string> {
  if (blob.type !== '' && !IMAGE_TYPES.includes(blob.type))
    return Promise.reject(new ImageUploadError(UNSUPPORTED_IMAGE));
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/docs/${encodeURIComponent(docId)}/images`);
    for (const [name, value] of Object.entries(authHeaders())) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader('content-type', blob.type || 'application/octet-stream');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      if (xhr.status !== 201) return reject(problem(xhr));
      const { id } = JSON.parse(xhr.responseText) as { id: string };
      onProgress(1);
      resolve(id);
    };
    xhr.onerror = () => reject(problem(xhr));
    xhr.send(blob);
  });
}
