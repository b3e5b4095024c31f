/** Longest document id the server accepts. */
export const MAX_DOC_ID_LENGTH = 64;

const DOC_ID_PATTERN = /^[A-Za-z0-9_-]+$/;

/** True when `id` is a usable document id: 1–64 characters of [A-Za-z0-9_-]. */
export function isValidDocId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_DOC_ID_LENGTH && DOC_ID_PATTERN.test(id);
}

const ID_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** A fresh random document id (12 characters, unambiguous lowercase letters and digits). */
export function newDocId(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  let id = '';
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}
