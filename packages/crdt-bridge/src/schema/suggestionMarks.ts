import type { DOMOutputSpec, Mark, MarkSpec } from 'prosemirror-model';
import { cleanColor, cleanName, cleanUserId } from '../presence/state.js';

/** Name of the mark on text someone suggested inserting. */
export const INSERTION_MARK = 'insertion';
/** Name of the mark on text someone suggested deleting (it stays, struck through, until accepted). */
export const DELETION_MARK = 'deletion';

/** What a suggestion id may look like: what the editor generates. */
export const SUGGESTION_ID = /^[A-Za-z0-9_-]{1,40}$/;

/** Who suggested a change and which suggestion it belongs to, as a suggestion mark's attributes. */
export interface SuggestionAttrs {
  /** One suggestion: every piece of text typed or deleted in one go shares it. */
  id: string;
  /** The person's id (a token's subject; in open mode, the browser's id). */
  author: string;
  /** The person's display name when they suggested it. */
  name: string;
  /** Their colour, `#rrggbb`. */
  color: string;
}

const attrs = {
  id: {
    validate: (v: unknown) => {
      if (typeof v !== 'string' || !SUGGESTION_ID.test(v))
        throw new RangeError('a suggestion id is 1–40 letters, digits, _ or -');
    },
  },
  author: {
    validate: (v: unknown) => {
      if (cleanUserId(v) === null) throw new RangeError('a suggestion names its author by id');
    },
  },
  name: {
    validate: (v: unknown) => {
      if (typeof v !== 'string' || cleanName(v) !== v) throw new RangeError('a suggestion names its author');
    },
  },
  color: {
    validate: (v: unknown) => {
      if (cleanColor(v) !== v) throw new RangeError('a suggestion colour is #rrggbb in lower case');
    },
  },
};

/** The attributes of a suggestion mark. */
export function suggestionOf(mark: Mark): SuggestionAttrs {
  return mark.attrs as SuggestionAttrs;
}

function suggestionMark(tag: 'ins' | 'del'): MarkSpec {
  return {
    attrs,
    // Typing next to someone's suggestion must not extend it: the suggesting editor adds the mark itself.
    inclusive: false,
    parseDOM: [
      {
        tag: `${tag}[data-suggestion]`,
        getAttrs: (dom) => {
          const el = dom as HTMLElement;
          const found = {
            id: el.getAttribute('data-suggestion') ?? '',
            author: el.getAttribute('data-author') ?? '',
            name: el.getAttribute('data-name') ?? '',
            color: el.getAttribute('data-color') ?? '',
          };
          try {
            for (const [key, spec] of Object.entries(attrs)) spec.validate(found[key as keyof SuggestionAttrs]);
          } catch {
            return false;
          }
          return found;
        },
      },
    ],
    toDOM: (mark): DOMOutputSpec => {
      const a = suggestionOf(mark);
      return [
        tag,
        {
          class: tag === 'ins' ? 'suggested-insertion' : 'suggested-deletion',
          'data-suggestion': a.id,
          'data-author': a.author,
          'data-name': a.name,
          style: `--suggestion-color: ${cleanColor(a.color) ?? '#888888'}`,
          title: `${tag === 'ins' ? 'Suggested insertion' : 'Suggested deletion'} by ${a.name}`,
        },
        0,
      ];
    },
  };
}

/** The two suggestion marks: text suggested for insertion, and text suggested for deletion. */
export const suggestionMarks: Record<string, MarkSpec> = {
  [INSERTION_MARK]: suggestionMark('ins'),
  [DELETION_MARK]: suggestionMark('del'),
};
