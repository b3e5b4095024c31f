import type { StoredImage } from '../storage/ImageStore.js';

/** `<img data-image="<id>"` as the schema's toDOM writes it for an image node. */
const IMAGE_TAG = /<img data-image="([0-9a-f]{64})"/g;

/**
 * Puts each image's bytes into exported HTML as a `data:` URI, so the file shows its images
 * on its own, anywhere, without the server or a token. An image that cannot be loaded keeps
 * its alt text and gets no `src`.
 */
export async function embedImages(
  page: Uint8Array,
  load: (imageId: string) => Promise<StoredImage | null>,
): Promise<Uint8Array> {
  const bytes = Buffer.from(page.buffer, page.byteOffset, page.byteLength);
  // Most documents have no image: their page goes out as the worker made it, never decoded here.
  if (!bytes.includes('<img data-image="')) return page;
  const html = bytes.toString('utf8');
  const ids = new Set([...html.matchAll(IMAGE_TAG)].map((match) => match[1]!));
  const sources = new Map<string, string>();
  for (const id of ids) {
    const image = await load(id);
    if (image) sources.set(id, `data:${image.mime};base64,${Buffer.from(image.bytes).toString('base64')}`);
  }
  const embedded = html.replace(IMAGE_TAG, (tag, id: string) => {
    const src = sources.get(id);
    return src ? `${tag} src="${src}"` : tag;
  });
  return Buffer.from(embedded, 'utf8');
}
