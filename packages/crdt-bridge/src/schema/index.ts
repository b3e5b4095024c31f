export { schema, CONTENT_FRAGMENT, HEADING_LEVELS } from './schema.js';
export { safeHref } from './links.js';
export { docText, docTitle } from './text.js';
export { docFromY, minimumStateBytes, yUpdateFromDoc } from './convert.js';
export { parseMarkdown, toMarkdown } from './markdown.js';
export { escapeHtml, htmlPage, toHtml } from './html.js';
