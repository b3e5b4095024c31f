import type { Node as PMNode } from 'prosemirror-model';
import type { MarkdownSerializerState } from 'prosemirror-markdown';

/** What Markdown export needs to write images. */
export interface ImageMarkdownOptions {
  /** The root-relative URL of an image of the exported document. */
  imagePath?: (imageId: string) => string;
}

/**
 * Writes an image node as `![alt](<url>)`, with its caption (if any) as an italic line after
 * it. Without `imagePath` the URL is the image's id alone: a file that still names the image.
 */
export function writeImageMarkdown(state: MarkdownSerializerState, node: PMNode): void {
  const { id, alt, caption } = node.attrs as { id: string; alt: string; caption: string };
  const path = (state.options as ImageMarkdownOptions).imagePath?.(id) ?? id;
  state.write(`![${state.esc(alt.replace(/[[\]]/g, '\\$&'))}](<${path.replace(/[<>]/g, encodeURIComponent)}>)`);
  if (caption !== '') {
    state.write('\n');
    state.write(`*${state.esc(caption)}*`);
  }
  state.closeBlock(node);
}
