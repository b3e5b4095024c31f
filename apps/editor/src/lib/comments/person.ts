import type { CommentPerson, PresenceUser } from '@tandem/crdt-bridge';
import { linkSubject } from '../collab/accessToken.js';
import { browserId } from '../collab/browserId.js';
import { cleanAuthor } from '../suggestions/suggestionAuthor.js';

/**
 * The person this browser writes comments and suggestions as: in token mode the link's
 * subject (the server requires it as author), else the browser's presence id; with the name
 * and colour others see, cleaned as the server reads them (a raw name it would refuse, such
 * as a link's over-long one, would get every comment refused).
 */
export function currentPerson(identity: PresenceUser): CommentPerson {
  return cleanAuthor({ id: linkSubject(), name: identity.name, color: identity.color }, browserId());
}

/** A fresh id for a thread or message: 16 URL-safe random characters (within COMMENT_ID). */
export function newCommentId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}
