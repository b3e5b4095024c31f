/** Where the access token from a share link is kept (token mode only). */
export const TOKEN_STORAGE_KEY = 'tandem.token';

/** The stored access token, if this browser has one. */
export function accessToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Stores the token a share link carried. */
export function storeAccessToken(token: string): void {
  localStorage.setItem(TOKEN_STORAGE_KEY, token);
}

/** Headers that present the token to the HTTP API (none in open mode). */
export function authHeaders(): Record<string, string> {
  const token = accessToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}
