import { cleanUserId, type CommentPerson, type PresenceUser } from '@tandem/crdt-bridge';
import { linkSubject } from '../collab/accessToken.js';
import { browserId } from '../collab/browserId.js';

/**
 * The person this browser writes comments as: in token mode the link's subject (the server
 * requires it as author), else the browser's presence id; with the name and colour others see.
 */
export function currentPerson(identity: PresenceUser): CommentPerson {
  const id = cleanUserId(linkSubject()) ?? browserId();
  return { id, name: identity.name, color: identity.color.toLowerCase() };
}

/** A fresh id for a thread or message: 16 URL-safe random characters (within COMMENT_ID). */
export function newCommentId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}
