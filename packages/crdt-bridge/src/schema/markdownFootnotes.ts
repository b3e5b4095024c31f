import type { default as MarkdownIt, PluginSimple } from 'markdown-it';
import footnote from 'markdown-it-footnote';
import type { ImportTally } from './importReport.js';
import type { TokenHandlers } from './markdownTokens.js';
import { schema } from './schema.js';

// Footnotes have no node of their own: a reference becomes the text "[1]" where it stood,
// and the definitions become a "Footnotes" heading and a numbered list at the end, so the
// numbers match. Exported back, they are plain text and a list — readable anywhere.

/** The heading above the footnotes gathered at the end. */
export const FOOTNOTES_HEADING = 'Footnotes';

/** What markdown-it-footnote keeps in the parse's env (its types leave it out). */
interface FootnoteEnv {
  footnotes?: { refs?: Record<string, number>; list?: { label?: string; count: number }[] };
}

/**
 * markdown-it-footnote lists only definitions that something refers to; give the others a
 * place in the list too, after the referenced ones, so none is lost.
 */
function keepUnreferenced(state: { env: FootnoteEnv }): void {
  const notes = state.env.footnotes;
  if (!notes?.refs) return;
  const list = (notes.list ??= []);
  for (const [key, id] of Object.entries(notes.refs)) {
    if (id >= 0) continue;
    notes.refs[key] = list.length;
    list.push({ label: key.slice(1), count: 0 });
  }
}

/** Teaches `md` footnote syntax, keeping definitions nothing refers to. */
export function useFootnotes(md: MarkdownIt): void {
  // @types/markdown-it-footnote is written against markdown-it's CommonJS types and ours are
  // its ES module types: the same object, two declarations that do not unify.
  md.use(footnote as unknown as PluginSimple);
  md.core.ruler.before('footnote_tail', 'footnote_keep_unreferenced', (state) => {
    keepUnreferenced(state as unknown as { env: FootnoteEnv });
    return true;
  });
}

/** Adds the footnote tokens' handlers to `handlers`, counting each footnote in `tally`. */
export function installFootnoteHandlers(handlers: TokenHandlers, tally: ImportTally): void {
  const { nodes } = schema;
  handlers.footnote_ref = (state, token) => {
    const { id } = (token as unknown as { meta: { id: number } }).meta;
    state.addText(`[${id + 1}]`);
  };
  handlers.footnote_block_open = (state) => {
    state.openNode(nodes.heading!, { level: 3 });
    state.addText(FOOTNOTES_HEADING);
    state.closeNode();
    state.openNode(nodes.ordered_list!, { order: 1 });
  };
  handlers.footnote_block_close = (state) => void state.closeNode();
  handlers.footnote_open = (state) => {
    tally.add('footnotes');
    state.openNode(nodes.list_item!, null);
  };
  handlers.footnote_close = (state) => void state.closeNode();
  // The "↩" back to the reference: the number says where it belongs.
  handlers.footnote_anchor = () => {};
}
