import MarkdownIt from 'markdown-it';
import type { Node as PMNode } from 'prosemirror-model';
import {
  MarkdownParser,
  MarkdownSerializer,
  defaultMarkdownSerializer,
  type MarkdownSerializerState,
} from 'prosemirror-markdown';
import { importTally, type ImportReport } from './importReport.js';
import { installFootnoteHandlers, useFootnotes } from './markdownFootnotes.js';
import { installKeptHandlers } from './markdownKept.js';
import { serializeMarkdown } from './markdownState.js';
import { liftTaskLists } from './markdownTasks.js';
import { tableTokenHandlers, writeTable } from './markdownTables.js';
import type { TokenHandlers } from './markdownTokens.js';
import {
  importImage,
  withoutEmptySplits,
  writeImageMarkdown,
  type ImageImport,
  type ImageMarkdownOptions,
  type ImageParseState,
} from './markdownImages.js';
import { schema } from './schema.js';

export type { ImageImport } from './markdownImages.js';

// HTML is parsed so `<u>…</u>` (underline, which Markdown lacks) survives a round trip;
// every other tag is kept as its text (see markdownKept.ts), never rendered.
const { nodes } = schema;

const markdownIt = MarkdownIt('commonmark', { html: true }).enable(['strikethrough', 'table']);
useFootnotes(markdownIt);

const parser = new MarkdownParser(schema, markdownIt, {
  blockquote: { block: 'blockquote' },
  paragraph: { block: 'paragraph' },
  list_item: { block: 'list_item' },
  bullet_list: { block: 'bullet_list' },
  ordered_list: { block: 'ordered_list', getAttrs: (tok) => ({ order: Number(tok.attrGet('start')) || 1 }) },
  heading: { block: 'heading', getAttrs: (tok) => ({ level: Math.min(Number(tok.tag.slice(1)), 3) }) },
  code_block: { block: 'code_block', noCloseToken: true },
  fence: { block: 'code_block', noCloseToken: true },
  hr: { node: 'horizontal_rule' },
  hardbreak: { node: 'hard_break' },
  em: { mark: 'italic' },
  strong: { mark: 'bold' },
  s: { mark: 'strike' },
  code_inline: { mark: 'code', noCloseToken: true },
});

// prosemirror-markdown exposes its handler table; extend it for what the spec table cannot say.
const handlers = (parser as unknown as { tokenHandlers: TokenHandlers }).tokenHandlers;
const resetKeptHandlers = installKeptHandlers(handlers, importTally);
installFootnoteHandlers(handlers, importTally);
Object.assign(handlers, tableTokenHandlers);
let imageImport: ImageImport = { remoteImagesKeptAsLinks: 0 };
handlers.image = (state, token) => {
  const before = imageImport.remoteImagesKeptAsLinks;
  importImage(state as unknown as ImageParseState, token.attrGet('src') ?? '', token.content, imageImport);
  if (imageImport.remoteImagesKeptAsLinks > before) importTally.add('remoteImagesKeptAsLinks');
};

/**
 * Parses Markdown into a document of Tandem's schema, and counts what it kept in another
 * form (as text, as a smaller heading…): nothing is dropped silently, and raw HTML is never rendered.
 */
export function parseMarkdownWithReport(
  markdown: string,
  images: ImageImport = { remoteImagesKeptAsLinks: 0 },
): { doc: PMNode; report: ImportReport } {
  importTally.reset();
  resetKeptHandlers();
  imageImport = images;
  const doc = withoutEmptySplits(liftTaskLists(parser.parse(markdown), importTally));
  doc.check();
  return { doc, report: importTally.report() };
}

/**
 * Parses Markdown into a document of Tandem's schema (see parseMarkdownWithReport). Images
 * are handled as `images` says (see {@link importImage}); by default all become links or text.
 */
export function parseMarkdown(markdown: string, images?: ImageImport): PMNode {
  return parseMarkdownWithReport(markdown, images).doc;
}

const codeMark = defaultMarkdownSerializer.marks.code!;

/** Per textblock, the index of its last child that is not a hard break (-1 when none), found once. */
const lastNonBreakCache = new WeakMap<PMNode, number>();

/** The index of `parent`'s last child that is not a `breakType` node; cached, so a run of breaks costs linear time. */
function lastNonBreak(parent: PMNode, breakType: PMNode['type']): number {
  let last = lastNonBreakCache.get(parent);
  if (last === undefined) {
    last = parent.childCount - 1;
    while (last >= 0 && parent.child(last).type === breakType) last--;
    lastNonBreakCache.set(parent, last);
  }
  return last;
}

const serializer = new MarkdownSerializer(
  {
    blockquote: (state, node) => state.wrapBlock('> ', null, node, () => state.renderContent(node)),
    code_block: (state, node) => {
      const fence = node.textContent.match(/`{3,}/gm) ? '~~~~' : '```';
      state.write(`${fence}${(node.attrs.language as string | null) ?? ''}\n`);
      state.text(node.textContent, false);
      state.ensureNewLine();
      state.write(fence);
      state.closeBlock(node);
    },
    heading: (state, node) => {
      state.write(`${'#'.repeat(node.attrs.level as number)} `);
      state.renderInline(node, false);
      state.closeBlock(node);
    },
    horizontal_rule: (state, node) => {
      state.write('---');
      state.closeBlock(node);
    },
    bullet_list: (state, node) => state.renderList(node, '  ', () => '- '),
    ordered_list: (state, node) => {
      const start = node.attrs.order as number;
      const width = String(start + node.childCount - 1).length;
      state.renderList(node, ' '.repeat(width + 2), (i) => `${String(start + i).padStart(width)}. `);
    },
    list_item: (state, node) => state.renderContent(node),
    task_list: (state, node) => state.renderList(node, '  ', () => '- '),
    task_item: (state, node) => {
      state.write(node.attrs.checked ? '[x] ' : '[ ] ');
      state.renderContent(node);
    },
    paragraph: (state, node) => {
      state.renderInline(node);
      state.closeBlock(node);
    },
    hard_break: (state: MarkdownSerializerState, node, parent, index) => {
      // A break with nothing but breaks after it would end the paragraph in Markdown: write none.
      if (index < lastNonBreak(parent, node.type)) state.write('\\\n');
    },
    text: (state, node) => state.text(node.text ?? ''),
    table: (state, node) => writeTable(state, node, (content) => toMarkdown(nodes.doc!.create(null, content))),
    image: writeImageMarkdown,
  },
  {
    italic: { open: '*', close: '*', mixable: true, expelEnclosingWhitespace: true },
    bold: { open: '**', close: '**', mixable: true, expelEnclosingWhitespace: true },
    underline: { open: '<u>', close: '</u>', mixable: true, expelEnclosingWhitespace: true },
    strike: { open: '~~', close: '~~', mixable: true, expelEnclosingWhitespace: true },
    // Markdown has no colours: the text is kept, plain (README, "Colour and alignment").
    color: { open: '', close: '', mixable: true },
    highlight: { open: '', close: '', mixable: true },
    link: {
      open: '[',
      close: (_state, mark) => {
        const title = mark.attrs.title as string | null;
        const href = (mark.attrs.href as string).replace(/[()"]/g, '\\$&');
        return `](${href}${title ? ` "${title.replace(/"/g, '\\"')}"` : ''})`;
      },
      mixable: false,
    },
    code: codeMark,
    // Suggestions, when an export includes them, as CriticMarkup (exports leave them out by default: withoutSuggestions).
    insertion: { open: '{++', close: '++}', mixable: true, expelEnclosingWhitespace: true },
    deletion: { open: '{--', close: '--}', mixable: true, expelEnclosingWhitespace: true },
  },
);

/**
 * Renders a document as Markdown (CommonMark plus GFM tables, ~~strike~~, <u>underline</u> and "- [ ]"
 * tasks), in time linear in its size; text that looks like HTML is escaped, so the file is
 * safe to render with HTML allowed.
 */
export function toMarkdown(doc: PMNode, options: ImageMarkdownOptions = {}): string {
  return serializeMarkdown(serializer, doc, { tightLists: true, ...options });
}
