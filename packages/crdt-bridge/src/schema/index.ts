export { schema, CONTENT_FRAGMENT, HEADING_LEVELS } from './schema.js';
export { safeHref } from './links.js';
export { docText, firstTextLineOfNode, nodeText } from './text.js';
export {
  MAX_TITLE_LENGTH,
  META_MAP,
  TITLE_KEY,
  cleanTitle,
  docTitle,
  setStoredTitle,
  storedTitle,
  titleProblem,
} from './title.js';
export { docFromY, minimumStateBytes, yUpdateFromDoc } from './convert.js';
export { importSentence, type ImportReport, type KeptKind } from './importReport.js';
export { escapeHtml, htmlPage, toHtml } from './html.js';
export { alignCss, formatCss, themedFormatCss, type Theme } from './formatCss.js';
export { ALIGNMENTS, HIGHLIGHT_COLORS, TEXT_COLORS, swatch, type Alignment, type Swatch } from './palette.js';
export {
  CODE_LANGUAGE,
  IMAGE_ID,
  MAX_CELL_SPAN,
  MAX_COLUMN_WIDTH,
  MAX_IMAGE_TEXT,
  MAX_IMAGE_WIDTH,
  MIN_IMAGE_WIDTH,
} from './blocks.js';
export {
  DELETION_MARK,
  INSERTION_MARK,
  SUGGESTION_ID,
  suggestionMarks,
  suggestionOf,
  type SuggestionAttrs,
} from './suggestionMarks.js';
export { withoutSuggestions } from './acceptedView.js';
