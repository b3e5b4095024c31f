export { schema, CONTENT_FRAGMENT, HEADING_LEVELS } from './schema.js';
export { safeHref } from './links.js';
export { docText, docTitle } from './text.js';
