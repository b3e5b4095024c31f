import type { ImageMime } from '../images/sniff.js';

/** An image as stored: its bytes and what sniffing them told. */
export interface StoredImage {
  bytes: Uint8Array;
  mime: ImageMime;
  width: number;
  height: number;
}

/** A sniffed image to store under `id` (the SHA-256 hex of `bytes`). */
export interface NewImage extends StoredImage {
  id: string;
}

/** One image attached to one document. */
export interface ImageAttachment {
  docId: string;
  imageId: string;
  attachedAt: number;
}

/**
 * Uploaded images, stored with the documents' data. Each is stored once, by the hash of its
 * bytes, and attached to the documents it was uploaded to: a document may show only images
 * attached to it, so knowing an id is not enough to read an image from another document.
 */
export interface ImageStore {
  /** Stores the image unless it is there already, and attaches it to the document; true when its bytes were new. */
  put(docId: string, image: NewImage, now: number): Promise<boolean>;
  /** Attaches every image of document `from` to document `to` as well (a copy of it). */
  copyAttachments(from: string, to: string, now: number): Promise<void>;
  /** The image, if it is attached to the document. */
  load(docId: string, imageId: string): Promise<StoredImage | null>;
  /** Attachments made before `before`, oldest first (the sweep's candidates). */
  attachedBefore(before: number, limit: number): Promise<ImageAttachment[]>;
  /** Records that the image is still used by the document: the sweep looks at it again a grace period from `now`. */
  touch(docId: string, imageId: string, now: number): Promise<void>;
  /** Detaches the image from the document; an image attached to no document any more is deleted. */
  detach(docId: string, imageId: string): Promise<void>;
  /** Deletes images stored before `before` that no document has (left by documents deleted for good); resolves how many. */
  deleteOrphans(before: number): Promise<number>;
  /** How many images are stored (bytes held once however many documents share them). */
  count(): Promise<number>;
}
