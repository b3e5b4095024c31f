import { createHash } from 'node:crypto';
import type { NewImage } from '../storage/ImageStore.js';
import { sniffImage } from './sniff.js';

/** `data:<type>;base64,<bytes>`: the only embedded form taken (the type is ignored: the bytes decide). */
const BASE64_DATA_URL = /^data:[^;,]*;base64,([A-Za-z0-9+/=\s]+)$/;

/**
 * Collects the embedded images of an imported Markdown file: each `data:` URL whose bytes
 * are a PNG, JPEG, GIF or WebP gets its content id, to be stored once the document exists.
 * Runs on a worker (decoding and hashing are the import's heavy part).
 */
export function embeddedImageCollector(): { storeEmbedded: (src: string) => string | null; images: NewImage[] } {
  const images = new Map<string, NewImage>();
  return {
    images: [] as NewImage[],
    storeEmbedded(src) {
      const match = BASE64_DATA_URL.exec(src);
      if (!match) return null;
      const bytes = new Uint8Array(Buffer.from(match[1]!, 'base64'));
      const sniffed = sniffImage(bytes);
      if (!sniffed) return null;
      const id = createHash('sha256').update(bytes).digest('hex');
      if (!images.has(id)) {
        const image = { id, bytes, ...sniffed };
        images.set(id, image);
        this.images.push(image);
      }
      return id;
    },
  };
}
