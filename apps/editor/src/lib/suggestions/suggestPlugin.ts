import { Plugin, PluginKey, type Transaction } from 'prosemirror-state';
import { ySyncPluginKey } from 'y-prosemirror';
import type { SuggestionAuthor } from './suggestionAuthor.js';
import { newSuggestionId } from './suggestionAuthor.js';
import { BLOCKED, suggestChanges, takeBack, type BlockedReason, type SuggestResult } from './suggestTransform.js';

/** The suggest plugin's key; its meta on a transaction means "leave this one as it is". */
export const suggestPluginKey = new PluginKey('tandem-suggest');

/** Marks `tr` as made by the suggestions UI itself (accept, reject): never turned into a suggestion. */
export function asDirectChange(tr: Transaction): Transaction {
  return tr.setMeta(suggestPluginKey, 'direct');
}

/** What the plugin asks the page. */
export interface SuggestPluginOptions {
  /** Whether this person is in Suggesting mode now. */
  isSuggesting: () => boolean;
  /** Who they are, for the marks. */
  author: () => SuggestionAuthor;
  /** Told when a change was turned back because it cannot be a suggestion. */
  onBlocked?: (reason: BlockedReason) => void;
  /** Makes suggestion ids (tests pass a counter). */
  newId?: () => string;
}

/**
 * Whether `trs` (one round of appendTransaction) starts with this person's own edit: not a
 * collaborator's (y-prosemirror), not one of ours, and not a later round (other plugins'
 * reactions to a transaction this plugin already handled or left alone: taking those back
 * could have them append the same fix again and again).
 */
function isOwnEdit(trs: readonly Transaction[]): boolean {
  const root = trs[0];
  if (root === undefined || root.getMeta('appendedTransaction') !== undefined) return false;
  if (trs.some((tr) => tr.getMeta(ySyncPluginKey) !== undefined || tr.getMeta(suggestPluginKey) !== undefined))
    return false;
  return trs.some((tr) => tr.docChanged);
}

/**
 * In Suggesting mode, turns the person's edits into suggestions (see {@link suggestChanges})
 * in a transaction appended to theirs, so the shared document only ever sees the suggestion.
 * Collaborators' changes arriving through y-prosemirror are never touched.
 */
export function suggestPlugin(options: SuggestPluginOptions): Plugin {
  return new Plugin({
    key: suggestPluginKey,
    appendTransaction(trs, oldState, newState) {
      if (!options.isSuggesting() || !isOwnEdit(trs)) return null;
      const changes = trs.filter((tr) => tr.docChanged);
      let result: SuggestResult | null;
      try {
        result = suggestChanges(changes, oldState, newState, options.author(), options.newId ?? newSuggestionId);
      } catch {
        // A change this code did not foresee: better taken back, and said so, than sent as an edit.
        result = { kind: 'blocked', tr: takeBack(changes, oldState, newState), reason: BLOCKED.unexpected };
      }
      if (result === null) return null;
      if (result.kind === 'blocked') options.onBlocked?.(result.reason);
      return result.tr.setMeta(suggestPluginKey, result.kind);
    },
  });
}
