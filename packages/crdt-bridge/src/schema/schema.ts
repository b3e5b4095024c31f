import { Schema, type DOMOutputSpec, type NodeSpec, type MarkSpec } from 'prosemirror-model';
import { alignAttr, alignDOM, CODE_LANGUAGE, parseAlign, richNodes } from './blocks.js';
import { safeHref } from './links.js';
import { HIGHLIGHT_COLORS, TEXT_COLORS, swatch, type Swatch } from './palette.js';
import { DELETION_MARK, INSERTION_MARK, suggestionMarks } from './suggestionMarks.js';

/** Heading levels the editor offers. */
export const HEADING_LEVELS = [1, 2, 3] as const;

const nodes: Record<string, NodeSpec> = {
  doc: { content: 'block+' },
  paragraph: {
    attrs: { align: alignAttr },
    content: 'inline*',
    group: 'block',
    parseDOM: [{ tag: 'p', getAttrs: (dom) => ({ align: parseAlign(dom as HTMLElement) }) }],
    toDOM: (node): DOMOutputSpec => ['p', alignDOM(node.attrs.align), 0],
  },
  heading: {
    attrs: {
      align: alignAttr,
      level: {
        default: 1,
        validate: (v: unknown) => {
          if (!HEADING_LEVELS.includes(v as 1))
            throw new RangeError(`heading level must be 1, 2 or 3, not ${String(v)}`);
        },
      },
    },
    content: 'inline*',
    group: 'block',
    defining: true,
    // Deeper headings from pasted content become the smallest heading we have.
    parseDOM: [1, 2, 3, 4, 5, 6].map((n) => ({
      tag: `h${n}`,
      getAttrs: (dom: HTMLElement | string) => ({ level: Math.min(n, 3), align: parseAlign(dom as HTMLElement) }),
    })),
    toDOM: (node): DOMOutputSpec => [`h${node.attrs.level as number}`, alignDOM(node.attrs.align), 0],
  },
  blockquote: {
    content: 'block+',
    group: 'block',
    defining: true,
    parseDOM: [{ tag: 'blockquote' }],
    toDOM: (): DOMOutputSpec => ['blockquote', 0],
  },
  code_block: {
    attrs: {
      language: {
        default: null,
        validate: (v: unknown) => {
          if (v !== null && (typeof v !== 'string' || !CODE_LANGUAGE.test(v)))
            throw new RangeError('a code language is a short lowercase name');
        },
      },
    },
    content: 'text*',
    // Code holds no formatting, but can be suggested into and out of like any text.
    marks: `${INSERTION_MARK} ${DELETION_MARK}`,
    group: 'block',
    code: true,
    defining: true,
    parseDOM: [
      {
        tag: 'pre',
        preserveWhitespace: 'full',
        getAttrs: (dom) => {
          const holder = dom as HTMLElement;
          const named =
            holder.getAttribute('data-language') ??
            /(?:^|\s)language-(\S+)/.exec(holder.querySelector('code')?.className ?? '')?.[1] ??
            '';
          const language = named.toLowerCase();
          return { language: CODE_LANGUAGE.test(language) ? language : null };
        },
      },
    ],
    toDOM: (node): DOMOutputSpec => {
      const language = node.attrs.language as string | null;
      return language
        ? ['pre', { 'data-language': language }, ['code', { class: `language-${language}` }, 0]]
        : ['pre', ['code', 0]];
    },
  },
  horizontal_rule: {
    group: 'block',
    parseDOM: [{ tag: 'hr' }],
    toDOM: (): DOMOutputSpec => ['hr'],
  },
  bullet_list: {
    content: 'list_item+',
    group: 'block',
    parseDOM: [{ tag: 'ul:not([data-type="task-list"])' }],
    toDOM: (): DOMOutputSpec => ['ul', 0],
  },
  ordered_list: {
    attrs: { order: { default: 1, validate: 'number' } },
    content: 'list_item+',
    group: 'block',
    parseDOM: [
      {
        tag: 'ol',
        getAttrs: (dom) => {
          const start = Number((dom as HTMLElement).getAttribute('start') ?? 1);
          return { order: Number.isFinite(start) ? start : 1 };
        },
      },
    ],
    toDOM: (node): DOMOutputSpec =>
      node.attrs.order === 1 ? ['ol', 0] : ['ol', { start: String(node.attrs.order) }, 0],
  },
  list_item: {
    content: 'paragraph block*',
    defining: true,
    parseDOM: [{ tag: 'li:not([data-type="task-item"])' }],
    toDOM: (): DOMOutputSpec => ['li', 0],
  },
  task_list: {
    content: 'task_item+',
    group: 'block',
    parseDOM: [{ tag: 'ul[data-type="task-list"]', priority: 60 }],
    toDOM: (): DOMOutputSpec => ['ul', { 'data-type': 'task-list' }, 0],
  },
  task_item: {
    attrs: { checked: { default: false, validate: 'boolean' } },
    content: 'paragraph block*',
    defining: true,
    parseDOM: [
      {
        tag: 'li[data-type="task-item"]',
        priority: 60,
        getAttrs: (dom) => ({ checked: (dom as HTMLElement).getAttribute('data-checked') === 'true' }),
      },
    ],
    toDOM: (node): DOMOutputSpec => [
      'li',
      { 'data-type': 'task-item', 'data-checked': node.attrs.checked ? 'true' : 'false' },
      0,
    ],
  },
  ...richNodes,
  text: { group: 'inline' },
  hard_break: {
    inline: true,
    group: 'inline',
    selectable: false,
    parseDOM: [{ tag: 'br' }],
    toDOM: (): DOMOutputSpec => ['br'],
  },
};

/** A mark whose one attribute names a colour of `palette`, shown as `<tag attribute=name>`. */
function colorMark(what: string, tag: string, attribute: string, palette: readonly Swatch[]): MarkSpec {
  return {
    attrs: {
      color: {
        validate: (v: unknown) => {
          if (!swatch(palette, v)) throw new RangeError(`unknown ${what} colour`);
        },
      },
    },
    parseDOM: [
      {
        tag: `${tag}[${attribute}]`,
        getAttrs: (dom) => {
          const name = (dom as HTMLElement).getAttribute(attribute);
          return swatch(palette, name) ? { color: name } : false;
        },
      },
    ],
    toDOM: (mark): DOMOutputSpec => [tag, { [attribute]: mark.attrs.color as string }, 0],
  };
}

const marks: Record<string, MarkSpec> = {
  link: {
    attrs: {
      href: {
        validate: (v: unknown) => {
          if (safeHref(v) === null) throw new RangeError('links must be absolute http(s) or mailto addresses');
        },
      },
      title: { default: null, validate: 'string|null' },
    },
    inclusive: false,
    parseDOM: [
      {
        tag: 'a[href]',
        getAttrs: (dom) => {
          const href = safeHref((dom as HTMLElement).getAttribute('href'));
          return href === null ? false : { href, title: (dom as HTMLElement).getAttribute('title') };
        },
      },
    ],
    toDOM: (mark): DOMOutputSpec => {
      const href = safeHref(mark.attrs.href) ?? '#';
      const title = mark.attrs.title as string | null;
      return ['a', { href, rel: 'noopener noreferrer nofollow', ...(title ? { title } : {}) }, 0];
    },
  },
  bold: {
    parseDOM: [
      { tag: 'strong' },
      // Google Docs wraps everything in <b style="font-weight:normal">; ignore that one.
      { tag: 'b', getAttrs: (node) => (node as HTMLElement).style.fontWeight !== 'normal' && null },
      { style: 'font-weight=400', clearMark: (m) => m.type.name === 'bold' },
      { style: 'font-weight', getAttrs: (value) => /^(bold(er)?|[5-9]\d{2,})$/.test(value as string) && null },
    ],
    toDOM: (): DOMOutputSpec => ['strong', 0],
  },
  italic: {
    parseDOM: [
      { tag: 'i' },
      { tag: 'em' },
      { style: 'font-style=italic' },
      { style: 'font-style=normal', clearMark: (m) => m.type.name === 'italic' },
    ],
    toDOM: (): DOMOutputSpec => ['em', 0],
  },
  underline: {
    parseDOM: [{ tag: 'u' }, { style: 'text-decoration=underline' }],
    toDOM: (): DOMOutputSpec => ['u', 0],
  },
  strike: {
    parseDOM: [{ tag: 's' }, { tag: 'del' }, { tag: 'strike' }, { style: 'text-decoration=line-through' }],
    toDOM: (): DOMOutputSpec => ['s', 0],
  },
  color: colorMark('color', 'span', 'data-color', TEXT_COLORS),
  highlight: colorMark('highlight', 'mark', 'data-highlight', HIGHLIGHT_COLORS),
  code: {
    // Every formatting mark, but not the suggestion marks: inline code can be suggested too.
    excludes: 'link bold italic underline strike color highlight code',
    parseDOM: [{ tag: 'code' }],
    toDOM: (): DOMOutputSpec => ['code', 0],
  },
  ...suggestionMarks,
};

/** THE document schema: the editor renders it, the server validates and exports with it. */
export const schema = new Schema({ nodes, marks });

/** Name of the Y.XmlFragment that holds the document body in every Tandem Y.Doc. */
export const CONTENT_FRAGMENT = 'prosemirror';
