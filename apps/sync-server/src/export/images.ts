/** An image's bytes and size, as the image store hands them to an export. */
export interface LoadedImage {
  bytes: Uint8Array;
  /** image/png, image/jpeg, image/gif or image/webp. */
  mime: string;
  /** Natural size in pixels. */
  width: number;
  height: number;
}

/** Finds an image by its id (the SHA-256 of its bytes); null when the store has no such image. */
export type ImageLoader = (id: string) => Promise<LoadedImage | null>;

/** Images an export has at hand, by id. */
export type ImageSet = Record<string, LoadedImage>;

/** Loads each of `ids` with `load`, leaving out those it does not find. */
export async function loadImages(ids: readonly string[], load: ImageLoader): Promise<ImageSet> {
  const found: ImageSet = {};
  for (const id of ids) {
    const image = await load(id);
    if (image) found[id] = image;
  }
  return found;
}
