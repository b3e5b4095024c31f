import type { Node } from 'prosemirror-model';
import type { EditorView, NodeView } from 'prosemirror-view';
import { whenIdle } from '../ui/whenIdle.js';
import { acquireImageUrl, hasImageUrl, releaseImageUrl } from './imageUrls.js';

/** The schema's limits on a stored width. */
const MIN_WIDTH = 24;
const MAX_WIDTH = 4000;
/** Arrow keys on the resize handle change the width by this much (Shift: five times as much). */
const KEY_STEP = 20;

interface ImageAttrs {
  id: string;
  alt: string;
  caption: string;
  width: number | null;
}

function clampWidth(width: number): number {
  return Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, width)));
}

function labelledInput(className: string, label: string, placeholder: string): HTMLInputElement {
  const input = document.createElement('input');
  input.type = 'text';
  input.className = className;
  input.maxLength = 1000;
  input.setAttribute('aria-label', label);
  input.placeholder = placeholder;
  return input;
}

/**
 * An image in the document. Its bytes are fetched with the access token in a header and
 * shown from an object URL (see imageUrls.ts), so no URL with a token is ever written. It
 * shows "Loading image…" until then and "Image not available" if that fails. Editors get
 * inputs for the alt text and caption and a handle that resizes it by dragging or, when
 * focused, by the arrow keys; the width is stored in the node. Without a view (the history
 * preview) it only shows the image as it was.
 */
export class ImageView implements NodeView {
  readonly dom: HTMLElement;
  private readonly img: HTMLImageElement;
  private readonly status: HTMLElement;
  private readonly caption: HTMLElement;
  private readonly handle: HTMLElement;
  private readonly altInput: HTMLInputElement;
  private readonly captionInput: HTMLInputElement;
  private shownId = '';
  /** The image whose object URL this view took (and must give back). */
  private acquiredId = '';

  constructor(
    private node: Node,
    private readonly view: EditorView | null,
    private readonly getPos: () => number | undefined,
    private readonly docId: string,
  ) {
    this.dom = document.createElement('figure');
    this.dom.className = 'image-block';
    this.dom.contentEditable = 'false';
    this.img = document.createElement('img');
    this.img.draggable = false;
    this.status = document.createElement('span');
    this.status.className = 'image-status';
    const frame = document.createElement('div');
    frame.className = 'image-frame';
    this.handle = document.createElement('span');
    this.handle.className = 'image-resize';
    this.handle.setAttribute('role', 'slider');
    this.handle.setAttribute('aria-label', 'Image width in pixels');
    this.handle.setAttribute('aria-valuemin', String(MIN_WIDTH));
    this.handle.setAttribute('aria-valuemax', String(MAX_WIDTH));
    this.handle.tabIndex = 0;
    frame.append(this.img, this.status, this.handle);
    this.caption = document.createElement('figcaption');
    this.altInput = labelledInput('image-alt', 'Alt text', 'Describe the image for people who cannot see it');
    this.captionInput = labelledInput('image-caption-input', 'Caption', 'Add a caption (optional)');
    const fields = document.createElement('div');
    fields.className = 'image-fields';
    fields.append(this.altInput, this.captionInput);
    this.dom.append(frame, this.caption, fields);
    this.listen();
    this.render();
  }

  private get attrs(): ImageAttrs {
    return this.node.attrs as ImageAttrs;
  }

  private editable(): boolean {
    return this.view?.editable === true;
  }

  private setAttr(name: keyof ImageAttrs, value: unknown): void {
    const pos = this.getPos();
    if (pos === undefined || !this.view || !this.editable() || this.attrs[name] === value) return;
    this.view.dispatch(this.view.state.tr.setNodeAttribute(pos, name, value));
  }

  private listen(): void {
    this.altInput.addEventListener('change', () => this.setAttr('alt', this.altInput.value.trim()));
    this.captionInput.addEventListener('change', () => this.setAttr('caption', this.captionInput.value.trim()));
    for (const input of [this.altInput, this.captionInput])
      input.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === 'Escape') {
          input.dispatchEvent(new Event('change'));
          this.view?.focus();
        }
      });
    this.handle.addEventListener('keydown', (event) => this.onHandleKey(event));
    this.handle.addEventListener('pointerdown', (event) => this.onDragStart(event));
  }

  private currentWidth(): number {
    return this.attrs.width ?? Math.round(this.img.getBoundingClientRect().width || this.img.naturalWidth || 300);
  }

  private onHandleKey(event: KeyboardEvent): void {
    const step = event.shiftKey ? KEY_STEP * 5 : KEY_STEP;
    const moves: Record<string, number> = { ArrowRight: step, ArrowUp: step, ArrowLeft: -step, ArrowDown: -step };
    if (!(event.key in moves) || !this.editable()) return;
    event.preventDefault();
    this.setAttr('width', clampWidth(this.currentWidth() + moves[event.key]!));
  }

  private onDragStart(event: PointerEvent): void {
    if (!this.editable()) return;
    event.preventDefault();
    const startX = event.clientX;
    const startWidth = this.img.getBoundingClientRect().width;
    const maxShown = this.dom.getBoundingClientRect().width;
    let width = startWidth;
    this.handle.setPointerCapture(event.pointerId);
    const move = (e: PointerEvent) => {
      width = clampWidth(Math.min(maxShown, startWidth + e.clientX - startX));
      this.img.style.width = `${width}px`;
    };
    const end = () => {
      this.handle.removeEventListener('pointermove', move);
      this.handle.removeEventListener('pointerup', end);
      this.handle.removeEventListener('pointercancel', end);
      this.setAttr('width', width);
    };
    this.handle.addEventListener('pointermove', move);
    this.handle.addEventListener('pointerup', end);
    this.handle.addEventListener('pointercancel', end);
  }

  private load(id: string): void {
    this.releaseShown();
    this.shownId = id;
    this.dom.dataset.state = 'loading';
    this.status.textContent = 'Loading image…';
    // Opening a document must not wait for its images: their downloads start once the browser
    // is idle (images this browser already holds show at once).
    const start = hasImageUrl(this.docId, id) ? Promise.resolve() : whenIdle();
    void start.then(() => {
      if (this.shownId !== id || this.acquiredId === id) return;
      this.acquiredId = id;
      acquireImageUrl(this.docId, id).then(
        (url) => {
          if (this.shownId !== id) return;
          this.img.src = url;
          this.dom.dataset.state = 'loaded';
          this.status.textContent = '';
        },
        () => {
          if (this.shownId !== id) return;
          this.dom.dataset.state = 'failed';
          this.status.textContent = 'Image not available';
        },
      );
    });
  }

  /** Gives back the object URL this view holds, if it took one (a view replaced before it did holds none). */
  private releaseShown(): void {
    if (this.acquiredId !== '') releaseImageUrl(this.docId, this.acquiredId);
    this.acquiredId = '';
    this.shownId = '';
  }

  private render(): void {
    const { id, alt, caption, width } = this.attrs;
    this.dom.dataset.image = id;
    if (id !== this.shownId) this.load(id);
    this.img.alt = alt;
    this.img.style.width = width === null ? '' : `${width}px`;
    this.handle.setAttribute('aria-valuenow', String(width ?? this.currentWidth()));
    this.caption.textContent = caption;
    this.caption.hidden = caption === '';
    // Whether the editing controls show follows the editor's contenteditable in CSS, which
    // changes (a role, going offline) without this view hearing of it; a preview has none.
    const editor = this.view !== null;
    this.handle.hidden = !editor;
    this.altInput.parentElement!.hidden = !editor;
    if (document.activeElement !== this.altInput) this.altInput.value = alt;
    if (document.activeElement !== this.captionInput) this.captionInput.value = caption;
  }

  update(node: Node): boolean {
    if (node.type !== this.node.type) return false;
    this.node = node;
    this.render();
    return true;
  }

  selectNode(): void {
    this.dom.classList.add('image-selected');
  }

  deselectNode(): void {
    this.dom.classList.remove('image-selected');
  }

  stopEvent(event: Event): boolean {
    const target = event.target as globalThis.Node | null;
    return target === this.altInput || target === this.captionInput || target === this.handle;
  }

  ignoreMutation(): boolean {
    return true;
  }

  destroy(): void {
    this.releaseShown();
  }
}
