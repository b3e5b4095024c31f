import { Plugin, PluginKey, type EditorState, type Transaction } from 'prosemirror-state';
import { Decoration, DecorationSet, type EditorView } from 'prosemirror-view';
import type { Node as PMNode } from 'prosemirror-model';
import { schema } from '@tandem/crdt-bridge';
import { rememberImage } from './imageUrls.js';
import { ImageUploadError, uploadImage } from './imageUpload.js';

/** An image to add: its bytes, or a way to get them (a copy from another document). */
export type ImageSource = Blob | (() => Promise<Blob>);

type Action = { add: { key: string; pos: number; element: HTMLElement } } | { remove: string };

/** Where uploads in progress are drawn: a widget at the insertion point, moved along by everyone's edits. */
export const uploadPlaceholderKey = new PluginKey<DecorationSet>('image-uploads');

/** How long a failed upload's message stays where the image would have gone. */
const PROBLEM_SHOWN_MS = 8_000;

let nextKey = 0;

/** The plugin holding upload placeholders. */
export function uploadPlaceholders(): Plugin<DecorationSet> {
  return new Plugin<DecorationSet>({
    key: uploadPlaceholderKey,
    state: {
      init: () => DecorationSet.empty,
      apply(tr, set) {
        let next = set.map(tr.mapping, tr.doc);
        const action = tr.getMeta(uploadPlaceholderKey) as Action | undefined;
        if (action && 'add' in action) {
          const { key, pos, element } = action.add;
          next = next.add(tr.doc, [Decoration.widget(pos, element, { key, side: -1 })]);
        } else if (action) next = next.remove(next.find(undefined, undefined, (spec) => spec.key === action.remove));
        return next;
      },
    },
    props: { decorations: (state) => uploadPlaceholderKey.getState(state) },
  });
}

function placeholderPos(state: EditorState, key: string): number | null {
  const found = uploadPlaceholderKey.getState(state)?.find(undefined, undefined, (spec) => spec.key === key);
  return found?.[0]?.from ?? null;
}

/** The box shown while an image uploads: words and a determinate progress bar. */
function placeholderElement(name: string): { element: HTMLElement; progress: HTMLProgressElement; text: HTMLElement } {
  const element = document.createElement('div');
  element.className = 'image-upload';
  element.contentEditable = 'false';
  element.dataset.testid = 'image-upload';
  const text = document.createElement('span');
  text.textContent = `Adding ${name}…`;
  text.setAttribute('role', 'status');
  const progress = document.createElement('progress');
  progress.max = 1;
  progress.value = 0;
  progress.setAttribute('aria-label', `Upload of ${name}`);
  element.append(text, progress);
  return { element, progress, text };
}

/**
 * Puts an image at `pos` as a block of its own: before the paragraph when the cursor is at
 * its start or it is empty (so the empty line stays for typing), after it when at its end,
 * and splitting it only when in the middle.
 */
function placeImage(tr: Transaction, pos: number, image: PMNode): void {
  const $pos = tr.doc.resolve(pos);
  const block = $pos.parent;
  if (block.isTextblock && $pos.depth > 0) {
    if ($pos.parentOffset === 0) return void tr.insert($pos.before(), image);
    if ($pos.parentOffset === block.content.size) return void tr.insert($pos.after(), image);
  }
  tr.replaceRangeWith(pos, pos, image);
}

function removePlaceholder(view: EditorView, key: string): Transaction {
  return view.state.tr.setMeta(uploadPlaceholderKey, { remove: key } satisfies Action);
}

/**
 * Uploads each image and puts it in the document at `pos` (mapped through the edits made in
 * the meantime), showing progress there; a refusal is said in words in the same place.
 */
export function insertImages(view: EditorView, docId: string, images: readonly ImageSource[], pos: number): void {
  for (const source of images) {
    const key = `upload-${++nextKey}`;
    const name = source instanceof File && source.name ? `“${source.name}”` : 'the image';
    const { element, progress, text } = placeholderElement(name);
    view.dispatch(view.state.tr.setMeta(uploadPlaceholderKey, { add: { key, pos, element } } satisfies Action));
    let blob: Blob | null = source instanceof Blob ? source : null;
    const bytes = blob ? Promise.resolve(blob) : (source as () => Promise<Blob>)();
    bytes
      .then((got) => uploadImage(docId, (blob = got), (fraction) => (progress.value = fraction)))
      .then(
        (id) => {
          if (view.isDestroyed) return;
          if (blob) rememberImage(docId, id, blob);
          const at = placeholderPos(view.state, key);
          const tr = removePlaceholder(view, key);
          if (at !== null && view.editable) placeImage(tr, at, schema.nodes.image!.create({ id }));
          view.dispatch(tr);
        },
        (err: unknown) => {
          if (view.isDestroyed) return;
          text.textContent =
            err instanceof ImageUploadError ? err.message : 'The image could not be added. Try again in a moment.';
          text.setAttribute('role', 'alert');
          element.classList.add('image-upload-failed');
          progress.remove();
          setTimeout(() => view.isDestroyed || view.dispatch(removePlaceholder(view, key)), PROBLEM_SHOWN_MS);
        },
      );
  }
}
