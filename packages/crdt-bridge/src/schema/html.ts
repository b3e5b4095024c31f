import type { DOMOutputSpec, Mark, Node as PMNode } from 'prosemirror-model';
import { alignCss, formatCss } from './formatCss.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const VOID = new Set(['br', 'hr', 'img', 'input']);

/** Renders a schema DOMOutputSpec (the array form our schema uses) around `inner`. */
function renderSpec(spec: DOMOutputSpec, inner: string): string {
  if (typeof spec === 'string') return escapeHtml(spec);
  if (!Array.isArray(spec)) throw new RangeError('only array DOM specs can be rendered to a string');
  const [tag, ...rest] = spec as [string, ...unknown[]];
  let attrs = '';
  let children = rest;
  const first = rest[0];
  if (first && typeof first === 'object' && !Array.isArray(first)) {
    for (const [name, value] of Object.entries(first as Record<string, unknown>)) {
      if (value === null || value === undefined) continue;
      attrs += ` ${name}="${escapeHtml(String(value))}"`;
    }
    children = rest.slice(1);
  }
  if (VOID.has(tag)) return `<${tag}${attrs}>`;
  let body = '';
  for (const child of children) body += child === 0 ? inner : renderSpec(child as DOMOutputSpec, inner);
  return `<${tag}${attrs}>${body}</${tag}>`;
}

function renderMarks(text: string, marks: readonly Mark[]): string {
  let html = escapeHtml(text);
  // Innermost mark first, so the outer ones wrap it as the editor renders them.
  for (let i = marks.length - 1; i >= 0; i--) {
    const mark = marks[i]!;
    const toDOM = mark.type.spec.toDOM;
    if (toDOM) html = renderSpec(toDOM(mark, true), html);
  }
  return html;
}

/** Renders a node (normally a whole document) as an HTML fragment, using the schema's own toDOM. */
export function toHtml(node: PMNode): string {
  if (node.isText) return renderMarks(node.text ?? '', node.marks);
  let inner = '';
  node.forEach((child) => (inner += toHtml(child)));
  if (node.type.name === 'doc') return inner;
  const toDOM = node.type.spec.toDOM;
  if (!toDOM) return inner;
  return renderSpec(toDOM(node), inner);
}

/** Tables in an exported page: ruled cells, a shaded header row, and a wide table scrolls on a phone. */
const TABLE_CSS =
  'table{border-collapse:collapse;margin:1em 0;display:block;max-width:100%;overflow-x:auto}' +
  'td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top;text-align:left}' +
  'th{background:#f4f4f2;font-weight:600}td>p,th>p{margin:0}';

/** A standalone HTML page for an exported document. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title || 'Untitled')}</title>
<style>body{max-width:46rem;margin:2rem auto;padding:0 1rem;font:18px/1.6 Georgia,serif;color:#1d1d1f}pre{background:#f4f4f2;padding:1em;overflow:auto}code{font-family:ui-monospace,monospace}blockquote{border-left:3px solid #ddd;margin-left:0;padding-left:1em;color:#555}ul[data-type=task-list]{list-style:none;padding-left:0}li[data-checked=true]{text-decoration:line-through;color:#777}li[data-type=task-item]::before{content:'☐ '}li[data-checked=true]::before{content:'☑ '}${TABLE_CSS}
${formatCss('', 'light')}
${alignCss('')}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
