import * as Y from 'yjs';
import { anchoredText, readThreads, type CommentThread } from '@tandem/crdt-bridge/comments';
import { escapeHtml } from '@tandem/crdt-bridge/schema';

// A note's place in the text while the document is turned into HTML: private-use
// characters around its number, which nothing else in an export writes.
const OPEN = '\ue000';
const CLOSE = '\ue001';
const MARKER = /\ue000(\d+)\ue001/g;

/** An open thread as an exported page's footnote: its number, and whether its text is still there. */
export interface CommentNote {
  n: number;
  thread: CommentThread;
  deleted: boolean;
}

/**
 * Numbers the open threads of `doc` (oldest first) and writes each one's number, as a
 * marker, into the text right after the text it is on. Changes `doc`: call it on a
 * throwaway copy, before turning it into a ProseMirror document.
 */
export function noteComments(doc: Y.Doc): CommentNote[] {
  const notes: CommentNote[] = [];
  const places: { text: Y.XmlText; index: number; n: number }[] = [];
  for (const thread of readThreads(doc)) {
    if (thread.status !== 'open') continue;
    const n = notes.length + 1;
    const at = thread.anchor ? anchoredText(doc, thread.anchor) : { deleted: true };
    notes.push({ n, thread, deleted: at.deleted });
    if (!thread.anchor || at.deleted) continue;
    const end = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(thread.anchor.end), doc);
    if (end?.type instanceof Y.XmlText) places.push({ text: end.type, index: end.index, n });
  }
  // From the end backwards, so each insertion leaves the places before it where they were.
  places.sort((a, b) => b.index - a.index || b.n - a.n);
  doc.transact(() => {
    for (const { text, index, n } of places) text.insert(index, `${OPEN}${n}${CLOSE}`, {});
  });
  return notes;
}

/** The page's HTML with each note's marker turned into a superscript link to its footnote. */
export function linkNotes(html: string, notes: readonly CommentNote[]): string {
  return html.replace(MARKER, (whole, digits: string) => {
    const n = Number(digits);
    if (n < 1 || n > notes.length) return '';
    return `<sup class="comment-ref" id="comment-ref-${n}"><a href="#comment-${n}" aria-label="Comment ${n}">${n}</a></sup>`;
  });
}

function when(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/** The "Comments" section at the end of an exported page: each open thread's quote and messages, escaped. */
export function commentsSection(notes: readonly CommentNote[]): string {
  if (notes.length === 0) return '';
  const items = notes.map(({ n, thread, deleted }) => {
    const where = deleted
      ? thread.suggestion
        ? '<p class="comment-where">On a suggested change</p>'
        : '<p class="comment-where">On text that has since been deleted</p>'
      : '';
    const messages = thread.messages
      .map(
        (m) =>
          `<p><strong>${escapeHtml(m.author.name)}</strong> <small>${when(m.createdAt)}</small><br>${escapeHtml(m.text)}</p>`,
      )
      .join('\n');
    const back = deleted ? '' : ` <a href="#comment-ref-${n}" aria-label="Back to the text">↩</a>`;
    return `<li id="comment-${n}">${where}<blockquote>${escapeHtml(thread.quote)}</blockquote>\n${messages}${back}</li>`;
  });
  return `\n<section class="comments">\n<h2>Comments</h2>\n<ol>\n${items.join('\n')}\n</ol>\n</section>\n`;
}
