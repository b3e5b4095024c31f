import { identity } from '../collab/identity.svelte.js';
import { currentPerson } from '../comments/person.js';
import type { SuggestionAuthor } from './suggestionAuthor.js';

/** The person using this page as their suggestion marks name them: the same person their comments name. */
export function currentAuthor(): SuggestionAuthor {
  return currentPerson(identity.current);
}
