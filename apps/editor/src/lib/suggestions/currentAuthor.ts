import { linkSubject } from '../collab/accessToken.js';
import { browserId } from '../collab/browserId.js';
import { identity } from '../collab/identity.svelte.js';
import { cleanAuthor, type SuggestionAuthor } from './suggestionAuthor.js';

/**
 * The person using this page, as suggestions and comments name them: the link's user id in
 * token mode (the server holds a commenter to it), else this browser's id; the name and
 * colour others see.
 */
export function currentAuthor(): SuggestionAuthor {
  const { name, color } = identity.current;
  return cleanAuthor({ id: linkSubject(), name, color }, browserId());
}
