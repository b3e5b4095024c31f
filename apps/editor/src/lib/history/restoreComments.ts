import type * as Y from 'yjs';
import { anchoredText, readThreads } from '@tandem/crdt-bridge/comments';

/**
 * What a restore did to the open comment threads, as a sentence for its notice ('' when
 * there are none): a restore keeps every thread, and those whose text it removed now show
 * as on deleted text with their quote.
 */
export function restoredThreadsSentence(doc: Y.Doc): string {
  const open = readThreads(doc).filter((thread) => thread.status === 'open' && thread.anchor !== null);
  if (open.length === 0) return '';
  const gone = open.filter((thread) => anchoredText(doc, thread.anchor!).deleted).length;
  const kept = open.length === 1 ? 'The open comment is kept' : `The ${open.length} open comments are kept`;
  if (gone === 0) return `${kept}.`;
  const which =
    gone === open.length ? (open.length === 1 ? 'it is' : 'all are') : `${gone} ${gone === 1 ? 'is' : 'are'}`;
  return `${kept}; ${which} on text this version does not have, shown with ${gone === 1 ? 'its' : 'their'} quote.`;
}
