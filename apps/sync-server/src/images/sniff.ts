/** The image formats a document may hold, told by their bytes. */
export type ImageMime = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

/** What the bytes of an accepted image say about it. */
export interface SniffedImage {
  mime: ImageMime;
  width: number;
  height: number;
}

/** Largest width or height accepted: beyond this a file is a decompression bomb or a disguise, not a picture. */
export const MAX_IMAGE_SIDE = 20_000;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  return prefix.every((byte, i) => bytes[at + i] === byte);
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

function sane(mime: ImageMime, width: number, height: number): SniffedImage | null {
  const ok = (side: number) => Number.isInteger(side) && side >= 1 && side <= MAX_IMAGE_SIDE;
  return ok(width) && ok(height) ? { mime, width, height } : null;
}

/** PNG: the signature, then IHDR as the first chunk (13 bytes long), big-endian width and height. */
function sniffPng(bytes: Uint8Array, view: DataView): SniffedImage | null {
  if (!startsWith(bytes, PNG_SIGNATURE) || bytes.length < 33) return null;
  if (view.getUint32(8) !== 13 || ascii(bytes, 12, 4) !== 'IHDR') return null;
  return sane('image/png', view.getUint32(16), view.getUint32(20));
}

/**
 * GIF: "GIF87a"/"GIF89a", the logical screen's little-endian width and height, then a block
 * that can follow it; and the trailer byte at the end, so a cut-off file is refused.
 */
function sniffGif(bytes: Uint8Array, view: DataView): SniffedImage | null {
  const header = ascii(bytes, 0, 6);
  if ((header !== 'GIF87a' && header !== 'GIF89a') || bytes.length < 14 || bytes.at(-1) !== 0x3b) return null;
  const flags = bytes[10]!;
  // After the screen descriptor (and its colour table) comes an image, an extension or the trailer.
  const next = 13 + (flags & 0x80 ? 3 * 2 ** ((flags & 0x07) + 1) : 0);
  if (next >= bytes.length || ![0x2c, 0x21, 0x3b].includes(bytes[next]!)) return null;
  return sane('image/gif', view.getUint16(6, true), view.getUint16(8, true));
}

/** JPEG: SOI, then marker segments up to a start-of-frame, which holds the height and width. */
function sniffJpeg(bytes: Uint8Array, view: DataView): SniffedImage | null {
  if (!startsWith(bytes, [0xff, 0xd8, 0xff])) return null;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    const length = view.getUint16(at + 2);
    if (length < 2) return null;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (at + 9 > bytes.length) return null;
      return sane('image/jpeg', view.getUint16(at + 7), view.getUint16(at + 5));
    }
    at += 2 + length;
  }
  return null;
}

/** WebP: a RIFF "WEBP" container whose first chunk is VP8 (lossy), VP8L (lossless) or VP8X (extended). */
function sniffWebp(bytes: Uint8Array, view: DataView): SniffedImage | null {
  if (ascii(bytes, 0, 4) !== 'RIFF' || ascii(bytes, 8, 4) !== 'WEBP' || bytes.length < 30) return null;
  const chunk = ascii(bytes, 12, 4);
  if (chunk === 'VP8 ') {
    if (!startsWith(bytes, [0x9d, 0x01, 0x2a], 23)) return null;
    return sane('image/webp', view.getUint16(26, true) & 0x3fff, view.getUint16(28, true) & 0x3fff);
  }
  if (chunk === 'VP8L') {
    if (bytes[20] !== 0x2f) return null;
    const bits = view.getUint32(21, true);
    return sane('image/webp', (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8X') {
    const width = 1 + (bytes[24]! | (bytes[25]! << 8) | (bytes[26]! << 16));
    const height = 1 + (bytes[27]! | (bytes[28]! << 8) | (bytes[29]! << 16));
    return sane('image/webp', width, height);
  }
  return null;
}

/**
 * The image's type and size as told by its bytes, or null when they are not a PNG, JPEG,
 * GIF or WebP that starts with its signature and has sane dimensions. Whatever a request's
 * Content-Type says is ignored: an SVG or a page calling itself an image is refused here.
 */
export function sniffImage(bytes: Uint8Array): SniffedImage | null {
  if (bytes.length < 12) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return sniffPng(bytes, view) ?? sniffGif(bytes, view) ?? sniffJpeg(bytes, view) ?? sniffWebp(bytes, view);
}
