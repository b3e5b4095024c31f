import { DOMSerializer, type Node as PMNode } from 'prosemirror-model';
import { Plugin } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';
import { schema } from '@tandem/crdt-bridge';
import { IMAGE_TYPES } from './imageUpload.js';
import { fetchImageCopy } from './imageUrls.js';
import { insertImages, type ImageSource } from './uploadPlaceholders.js';

/** Image files among what was pasted or dropped. */
function imageFiles(data: DataTransfer | null): File[] {
  return [...(data?.files ?? [])].filter((file) => IMAGE_TYPES.includes(file.type) || file.type.startsWith('image/'));
}

/** The bytes of a `data:` URL (read here: the page's CSP lets fetch reach only this server). */
function dataUrlBlob(url: string): Blob | null {
  const match = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(url);
  if (!match) return null;
  try {
    const text = match[2] ? atob(match[3]!) : decodeURIComponent(match[3]!);
    return new Blob([Uint8Array.from(text, (c) => c.charCodeAt(0))], { type: match[1] || '' });
  } catch {
    return null;
  }
}

/** The attribute copied Tandem images carry naming the document they are stored with. */
const FROM_DOC = 'data-image-doc';

/**
 * Copies the document as usual, but each image also names its document: images are stored
 * per document, so a paste elsewhere must copy the bytes, not only the id.
 */
function copySerializer(docId: string): DOMSerializer {
  const base = DOMSerializer.fromSchema(schema);
  const image = base.nodes.image!;
  const nodes = {
    ...base.nodes,
    image: (node: PMNode) => {
      const [tag, attrs, ...rest] = image(node) as [string, Record<string, string>, ...unknown[]];
      return [tag, { ...attrs, [FROM_DOC]: docId }, ...rest] as ReturnType<typeof image>;
    },
  };
  return new DOMSerializer(nodes, base.marks);
}

/**
 * Pasted HTML with images from elsewhere: each `<img>` that is not one of this document's is
 * taken out. One of another Tandem document is collected to be copied here; an embedded one
 * (`data:`) to be uploaded; one on another site becomes a link to it named by its alt text.
 * The server never fetches a URL, and this page cannot either (its CSP keeps it talking to
 * this server only), so a link is what is left.
 */
export function takeForeignImages(html: string, collected: ImageSource[], docId: string): string {
  if (!/<img/i.test(html)) return html;
  const doc = new DOMParser().parseFromString(html, 'text/html');
  for (const img of [...doc.querySelectorAll('img')]) {
    const copied = img.closest(`[${FROM_DOC}]`);
    const fromDoc = copied?.getAttribute(FROM_DOC);
    const imageId = copied?.getAttribute('data-image');
    if (copied && fromDoc && imageId && fromDoc !== docId) {
      collected.push(() => fetchImageCopy(fromDoc, imageId));
      copied.remove();
      continue;
    }
    if (img.closest('[data-image]')) continue;
    const src = img.getAttribute('src') ?? '';
    const alt = img.getAttribute('alt')?.trim() ?? '';
    const embedded = src.startsWith('data:') ? dataUrlBlob(src) : null;
    if (embedded) {
      collected.push(embedded);
      img.remove();
    } else if (/^https?:\/\//i.test(src)) {
      const link = doc.createElement('a');
      link.href = src;
      link.textContent = alt || src;
      img.replaceWith(link);
    } else img.replaceWith(doc.createTextNode(alt));
  }
  return doc.body.innerHTML;
}

/** Paste, drop and pasted HTML bring images in by uploading them to the document. */
export function imageInput(docId: string): Plugin {
  let pastedImages: ImageSource[] = [];
  return new Plugin({
    props: {
      clipboardSerializer: copySerializer(docId),
      transformPastedHTML(html) {
        pastedImages = [];
        return takeForeignImages(html, pastedImages, docId);
      },
      handlePaste(view: EditorView, event: ClipboardEvent) {
        if (!view.editable) return false;
        const files = imageFiles(event.clipboardData);
        if (files.length > 0) {
          insertImages(view, docId, files, view.state.selection.from);
          return true;
        }
        // The HTML is pasted as usual; images collected from it (embedded or copied) follow it in.
        const images = pastedImages;
        pastedImages = [];
        if (images.length > 0) queueMicrotask(() => insertImages(view, docId, images, view.state.selection.from));
        return false;
      },
      handleDrop(view: EditorView, event: DragEvent) {
        const files = imageFiles(event.dataTransfer);
        if (!view.editable || files.length === 0) return false;
        const at = view.posAtCoords({ left: event.clientX, top: event.clientY })?.pos ?? view.state.selection.from;
        event.preventDefault();
        insertImages(view, docId, files, at);
        return true;
      },
    },
  });
}
