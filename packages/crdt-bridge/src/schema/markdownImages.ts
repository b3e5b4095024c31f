import { Fragment, type Attrs, type Mark, type MarkType, type NodeType, type Node as PMNode } from 'prosemirror-model';
import { safeHref } from './links.js';
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
  state.write(`![${state.esc(alt)}](<${path.replace(/[<>]/g, encodeURIComponent)}>)`);
  if (caption !== '') {
    state.write('\n');
    state.write(`*${state.esc(caption)}*`);
  }
  state.closeBlock(node);
}

/** How Markdown import treats images: embedded ones may be stored, others are counted as kept as links. */
export interface ImageImport {
  /** Stores an embedded (`data:`) image and gives its id, or null when it is not one to keep. */
  storeEmbedded?: (src: string, alt: string) => string | null;
  /** Counts images from elsewhere that became links to them (never fetched). */
  remoteImagesKeptAsLinks: number;
}

/** The part of prosemirror-markdown's parse state the image handler uses. */
export interface ImageParseState {
  top(): { type: NodeType; attrs: Attrs };
  openNode(type: NodeType, attrs: Attrs | null): void;
  closeNode(): PMNode;
  addNode(type: NodeType, attrs: Attrs | null): PMNode | null;
  addText(text: string): void;
  openMark(mark: Mark): void;
  closeMark(mark: MarkType): void;
}

/**
 * Handles a Markdown image on import. An embedded one that `storeEmbedded` keeps becomes an
 * image block (its paragraph is split around it); one from elsewhere becomes a link named by
 * its alt text, and is counted; anything else leaves its alt text.
 */
export function importImage(state: ImageParseState, src: string, alt: string, how: ImageImport): void {
  const { schema } = state.top().type;
  const id = src.startsWith('data:') ? (how.storeEmbedded?.(src, alt) ?? null) : null;
  const paragraph = state.top();
  if (id !== null && paragraph.type === schema.nodes.paragraph) {
    state.closeNode();
    state.addNode(schema.nodes.image!, { id, alt: alt.slice(0, 1000) });
    state.openNode(paragraph.type, paragraph.attrs);
    return;
  }
  const href = safeHref(src);
  if (href !== null && /^https?:/i.test(href)) {
    how.remoteImagesKeptAsLinks++;
    const link = schema.marks.link!;
    state.openMark(link.create({ href, title: null }));
    state.addText(alt || href);
    state.closeMark(link);
  } else if (alt) state.addText(alt);
}

/** The document without the empty paragraphs that splitting a paragraph around an image leaves. */
export function withoutEmptySplits(doc: PMNode): PMNode {
  let touched = false;
  const children: PMNode[] = [];
  doc.forEach((child, _offset, index) => {
    const beside = [doc.maybeChild(index - 1), doc.maybeChild(index + 1)].some((n) => n?.type.name === 'image');
    if (child.type.name === 'paragraph' && child.childCount === 0 && beside) touched = true;
    else children.push(child.isLeaf || child.isTextblock ? child : withoutEmptySplits(child));
  });
  return touched || children.some((c, i) => c !== doc.maybeChild(i)) ? doc.copy(Fragment.from(children)) : doc;
}
