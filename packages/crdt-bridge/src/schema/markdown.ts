import MarkdownIt from 'markdown-it';
import type { Mark, Node as PMNode } from 'prosemirror-model';
import {
  MarkdownParser,
  MarkdownSerializer,
  defaultMarkdownSerializer,
  type MarkdownSerializerState,
} from 'prosemirror-markdown';
import { safeHref } from './links.js';
import { serializeMarkdown } from './markdownState.js';
import {
  importImage,
  withoutEmptySplits,
  writeImageMarkdown,
  type ImageImport,
  type ImageMarkdownOptions,
  type ImageParseState,
} from './markdownImages.js';
import { schema } from './schema.js';

const { nodes } = schema;

// HTML is parsed only so `<u>…</u>` (underline, which Markdown lacks) survives a round trip;
// every other tag is dropped below, never rendered.
const markdownIt = MarkdownIt('commonmark', { html: true }).enable('strikethrough');

/** Just enough of prosemirror-markdown's parse state for the custom handlers below. */
interface ParseState {
  openMark(mark: Mark): void;
  closeMark(mark: ReturnType<typeof schema.mark>['type']): void;
}
interface Token {
  content: string;
  attrGet(name: string): string | null;
}
type TokenHandler = (state: ParseState, token: Token, tokens: Token[], index: number) => void;

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
  html_block: { ignore: true, noCloseToken: true },
});

// prosemirror-markdown exposes its handler table; extend it for what the spec table cannot say.
const handlers = (parser as unknown as { tokenHandlers: Record<string, TokenHandler> }).tokenHandlers;
const linkStack: boolean[] = [];
handlers.link_open = (state, token) => {
  const href = safeHref(token.attrGet('href'));
  linkStack.push(href !== null);
  if (href !== null) state.openMark(schema.marks.link!.create({ href, title: token.attrGet('title') || null }));
};
handlers.link_close = (state) => {
  if (linkStack.pop()) state.closeMark(schema.marks.link!);
};
let imageImport: ImageImport = { remoteImagesKeptAsLinks: 0 };
handlers.image = (state, token) =>
  importImage(state as unknown as ImageParseState, token.attrGet('src') ?? '', token.content, imageImport);
handlers.html_inline = (state, token) => {
  const tag = token.content.trim().toLowerCase();
  if (tag === '<u>') state.openMark(schema.marks.underline!.create());
  else if (tag === '</u>') state.closeMark(schema.marks.underline!);
};

const TASK_PREFIX = /^\[( |x|X)\]\s/;

/** Turns bullet lists whose every item starts with "[ ] " or "[x] " into task lists. */
function liftTaskLists(node: PMNode): PMNode {
  const children: PMNode[] = [];
  node.forEach((child) => children.push(liftTaskLists(child)));
  const rebuilt = node.isLeaf || node.isTextblock ? node : node.copy(node.type.create(null, children).content);
  if (rebuilt.type !== nodes.bullet_list) return rebuilt;
  const items: PMNode[] = [];
  let allTasks = true;
  rebuilt.forEach((item) => {
    const first = item.firstChild;
    const match = first && first.type === nodes.paragraph ? TASK_PREFIX.exec(first.textContent) : null;
    if (!match || !first) {
      allTasks = false;
      return;
    }
    const paragraph = first.copy(first.content.cut(match[0].length));
    const rest: PMNode[] = [];
    item.forEach((c, _o, i) => i > 0 && rest.push(c));
    items.push(nodes.task_item!.create({ checked: match[1] !== ' ' }, [paragraph, ...rest]));
  });
  return allTasks && items.length > 0 ? nodes.task_list!.create(null, items) : rebuilt;
}

/**
 * Parses Markdown into a document of Tandem's schema; unsupported constructs are dropped,
 * never rendered raw. Images are handled as `images` says (see {@link importImage}); by
 * default all of them become links or text.
 */
export function parseMarkdown(markdown: string, images: ImageImport = { remoteImagesKeptAsLinks: 0 }): PMNode {
  linkStack.length = 0;
  imageImport = images;
  const doc = parser.parse(markdown);
  const result = withoutEmptySplits(liftTaskLists(doc));
  result.check();
  return result;
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
      state.write(fence + '\n');
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
    image: writeImageMarkdown,
  },
  {
    italic: { open: '*', close: '*', mixable: true, expelEnclosingWhitespace: true },
    bold: { open: '**', close: '**', mixable: true, expelEnclosingWhitespace: true },
    underline: { open: '<u>', close: '</u>', mixable: true, expelEnclosingWhitespace: true },
    strike: { open: '~~', close: '~~', mixable: true, expelEnclosingWhitespace: true },
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
  },
);

/**
 * Renders a document as Markdown (CommonMark plus ~~strike~~, <u>underline</u> and "- [ ]"
 * tasks), in time linear in its size; text that looks like HTML is escaped, so the file is
 * safe to render with HTML allowed.
 */
export function toMarkdown(doc: PMNode, options: ImageMarkdownOptions = {}): string {
  return serializeMarkdown(serializer, doc, { tightLists: true, ...options });
}
