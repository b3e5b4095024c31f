/**
 * The body of every failed API request (4xx, 5xx): a code to branch on (an `ErrorCode`
 * of the wire protocol, or a code of the HTTP API such as `NOT_FOUND`, `INVALID_BODY`)
 * and a sentence a person can read. 429 and 503 also carry `Retry-After`.
 */
export interface ErrorBodyJSON {
  error: { code: string; message: string };
}
