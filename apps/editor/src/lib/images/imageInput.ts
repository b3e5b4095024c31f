import { Plugin } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';
import { IMAGE_TYPES } from './imageUpload.js';
import { insertImages } from './uploadPlaceholders.js';

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

/**
 * Pasted HTML with images from elsewhere: each `<img>` that is not one of this server's is
 * taken out; an embedded one (`data:`) is collected to be uploaded, one on another site
 * becomes a link to it named by its alt text. The server never fetches a URL, and this page
 * cannot either (its CSP keeps it talking to this server only), so a link is what is left.
 */
export function takeForeignImages(html: string, collected: Blob[]): string {
  if (!/<img/i.test(html)) return html;
  const doc = new DOMParser().parseFromString(html, 'text/html');
  for (const img of [...doc.querySelectorAll('img')]) {
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
  let pastedImages: Blob[] = [];
  return new Plugin({
    props: {
      transformPastedHTML(html) {
        pastedImages = [];
        return takeForeignImages(html, pastedImages);
      },
      handlePaste(view: EditorView, event: ClipboardEvent) {
        if (!view.editable) return false;
        const files = imageFiles(event.clipboardData);
        if (files.length > 0) {
          insertImages(view, docId, files, view.state.selection.from);
          return true;
        }
        // The HTML is pasted as usual; embedded images collected from it follow it in.
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
