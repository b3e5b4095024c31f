import { CODE_LANGUAGE } from './blocks.js';
import type { ImportTally } from './importReport.js';
import { safeHref } from './links.js';
import type { ParseState, TokenHandlers } from './markdownTokens.js';
import { schema } from './schema.js';

// Token handlers for what Markdown can say and the schema cannot say as it is: deep
// headings, fence labels that are not language names, raw HTML, links to addresses we never
// make clickable. Each keeps what it can as text (HTML is never rendered) and is counted.

const { nodes, marks } = schema;

/** Line breaks written as HTML, which the schema has as a node of its own. */
const BREAK_TAG = /^<br\s*\/?>$/i;

/** A fence's info string ("ts", "Python title=x", "{r, echo=FALSE}") as a language and what is left over. */
export function fenceLanguage(info: string): { language: string | null; rest: string } {
  const trimmed = info.trim();
  const first = /^\S*/.exec(trimmed)![0];
  const language = first.toLowerCase();
  if (!CODE_LANGUAGE.test(language)) return { language: null, rest: trimmed };
  return { language, rest: trimmed.slice(first.length).trim() };
}

/** Text without the one newline markdown-it leaves at the end of a block's content. */
function withoutTrailingNewline(text: string): string {
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/** A code block holding `text`, unmarked. */
function addCodeBlock(state: ParseState, language: string | null, text: string): void {
  state.openNode(nodes.code_block!, { language });
  state.addText(withoutTrailingNewline(text));
  state.closeNode();
}

/** Headings below level 3 become level 3, counted. */
function installHeadings(handlers: TokenHandlers, tally: ImportTally): void {
  handlers.heading_open = (state, token) => {
    const level = Number(token.tag.slice(1));
    if (level > 3) tally.add('headingsDemoted');
    state.openNode(nodes.heading!, { level: Math.min(level, 3) });
  };
}

/** Fenced code keeps its language; a label that is not one is kept as a line above the block, counted. */
function installFences(handlers: TokenHandlers, tally: ImportTally): void {
  handlers.fence = (state, token) => {
    const { language, rest } = fenceLanguage(token.info);
    if (rest) {
      tally.add('codeInfoKeptAsText');
      state.openNode(nodes.paragraph!, null);
      state.addText(rest);
      state.closeNode();
    }
    addCodeBlock(state, language, token.content);
  };
}

/**
 * HTML is shown as its source, never rendered: a block as an "html" code block, a tag in
 * a line as its text. `<u>` is underline and `<br>` a line break, which the schema has.
 */
function installHtml(handlers: TokenHandlers, tally: ImportTally): void {
  handlers.html_block = (state, token) => {
    tally.add('htmlKeptAsText');
    addCodeBlock(state, 'html', token.content);
  };
  handlers.html_inline = (state, token) => {
    const tag = token.content.trim().toLowerCase();
    if (tag === '<u>') state.openMark(marks.underline!.create());
    else if (tag === '</u>') state.closeMark(marks.underline!);
    else if (BREAK_TAG.test(tag)) state.addNode(nodes.hard_break!, null);
    else {
      tally.add('htmlKeptAsText');
      state.addText(token.content);
    }
  };
}

/** Links to web and email addresses are links; any other keeps its text and its address after it in brackets. */
function installLinks(handlers: TokenHandlers, tally: ImportTally): () => void {
  // Per open link: null when it became a link, else the address to write after its text
  // ("" for an autolink, whose text is its address already).
  const open: (string | null)[] = [];
  handlers.link_open = (state, token) => {
    const raw = token.attrGet('href') ?? '';
    const href = safeHref(raw);
    open.push(href !== null ? null : token.markup === 'autolink' ? '' : raw);
    if (href !== null) state.openMark(marks.link!.create({ href, title: token.attrGet('title') || null }));
  };
  handlers.link_close = (state) => {
    const unsafe = open.pop();
    if (unsafe === null) state.closeMark(marks.link!);
    else if (unsafe) {
      tally.add('unsafeLinksKeptAsText');
      state.addText(` (${unsafe})`);
    }
  };
  return () => {
    open.length = 0;
  };
}

/** Adds the handlers above to `handlers`, counting into `tally`; returns what readies them for the next parse. */
export function installKeptHandlers(handlers: TokenHandlers, tally: ImportTally): () => void {
  installHeadings(handlers, tally);
  installFences(handlers, tally);
  installHtml(handlers, tally);
  return installLinks(handlers, tally);
}
