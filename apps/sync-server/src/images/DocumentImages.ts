import { createHash } from 'node:crypto';
import type { ImageStore, StoredImage } from '../storage/ImageStore.js';
import { IMAGE_ID } from '@tandem/crdt-bridge/schema';
import { sniffImage } from './sniff.js';

/** Why an upload was refused. */
export type ImageRefusal = 'unsupported' | 'too-large' | 'not-kept';

/** What an upload gave: the image's id, or why it was refused. */
export type UploadOutcome = { id: string; added: boolean } | { refused: ImageRefusal };

/** The path an image of a document is read from (what `url` in an upload's answer says). */
export function imagePath(docId: string, imageId: string): string {
  return `/api/docs/${encodeURIComponent(docId)}/images/${imageId}`;
}

/**
 * The images of documents: uploads are sniffed (their bytes decide their type) and stored
 * once by hash; reads see only images attached to the document asked about. The Word and
 * HTML exports read images through {@link DocumentImages.load}.
 */
export class DocumentImages {
  constructor(
    /** Where images are kept; a store without images refuses uploads. */
    private readonly store: ImageStore | undefined,
    /** Largest image accepted, in bytes. */
    readonly maxBytes: number,
  ) {}

  /** Stores `bytes` as an image of the document, unless they are not an image we accept. */
  async upload(docId: string, bytes: Uint8Array, now = Date.now()): Promise<UploadOutcome> {
    if (!this.store) return { refused: 'not-kept' };
    if (bytes.length > this.maxBytes) return { refused: 'too-large' };
    const sniffed = sniffImage(bytes);
    if (!sniffed) return { refused: 'unsupported' };
    const id = createHash('sha256').update(bytes).digest('hex');
    const added = await this.store.put(docId, { id, bytes, ...sniffed }, now);
    return { id, added };
  }

  /** The image's bytes, type and size, if it is attached to the document; null otherwise. */
  async load(docId: string, imageId: string): Promise<StoredImage | null> {
    if (!this.store || !IMAGE_ID.test(imageId)) return null;
    return this.store.load(docId, imageId);
  }
}
