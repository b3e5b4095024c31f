import type { Plugin } from 'prosemirror-state';
import { imageInput } from './imageInput.js';
import { uploadPlaceholders } from './uploadPlaceholders.js';

/** What the editor needs for images in document `docId`: upload placeholders, and paste and drop of images. */
export function imagePlugins(docId: string): Plugin[] {
  return [uploadPlaceholders(), imageInput(docId)];
}
