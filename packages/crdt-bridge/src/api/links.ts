import type { Role } from '../protocol/index.js';

/** A share link as its document's owners see it (`GET /api/docs/<id>/links`). */
export interface ShareLinkJSON {
  id: string;
  /** What the link opens: a document id, or a pattern (`*`, `prefix-*`) for links made with `npm run token`. */
  scope: string;
  role: Role;
  /** The name people who open the link are shown under; "" lets each choose their own. */
  name: string;
  /** Who made it (their name as their own link says; "" for `npm run token`). */
  createdBy: string;
  /** ISO time. */
  createdAt: string;
  /** ISO time after which it no longer works; null when it never expires. */
  expiresAt: string | null;
  /** ISO time it was last used to open something; null when never. */
  lastUsedAt: string | null;
  /** The address to send: opening it signs the browser in with the link's access. */
  url: string;
}

/** `GET /api/docs/<id>/links`: every active link that opens the document, newest first. */
export interface ShareLinkListJSON {
  links: ShareLinkJSON[];
}

/** `POST /api/docs/<id>/links`: a new link to this document. */
export interface CreateShareLinkRequest {
  role: Role;
  /** The name its users are shown under; blank lets each choose their own. */
  name?: string;
  /** Whole days from 1 to 3650; absent: the link never expires. */
  expiresInDays?: number;
}
