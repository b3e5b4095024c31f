import { describe, expect, it } from 'vitest';
import {
  GIF_1x1,
  JPEG_3x2,
  PNG_3x2,
  WEBP_EXTENDED_3x2,
  WEBP_LOSSLESS_3x2,
  WEBP_LOSSY_3x2,
  joined,
} from '../../test/imageFixtures.js';
import { sniffImage } from './sniff.js';

describe('sniffImage', () => {
  it('tells the type and size of real PNG, JPEG, GIF and WebP files', () => {
    expect(sniffImage(PNG_3x2)).toEqual({ mime: 'image/png', width: 3, height: 2 });
    expect(sniffImage(JPEG_3x2)).toEqual({ mime: 'image/jpeg', width: 3, height: 2 });
    expect(sniffImage(GIF_1x1)).toEqual({ mime: 'image/gif', width: 1, height: 1 });
    expect(sniffImage(WEBP_EXTENDED_3x2)).toEqual({ mime: 'image/webp', width: 3, height: 2 });
    expect(sniffImage(WEBP_LOSSY_3x2)).toEqual({ mime: 'image/webp', width: 3, height: 2 });
    expect(sniffImage(WEBP_LOSSLESS_3x2)).toEqual({ mime: 'image/webp', width: 3, height: 2 });
  });

  it('refuses SVG and HTML, whatever they claim to be', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    expect(sniffImage(new TextEncoder().encode(svg))).toBeNull();
    expect(sniffImage(new TextEncoder().encode('<!doctype html><script>alert(1)</script>'))).toBeNull();
  });

  it('refuses polyglots: a GIF header with junk dimensions, a PNG signature with no IHDR', () => {
    expect(sniffImage(joined('GIF89a', '<script>alert(1)</script>'))).toBeNull();
    expect(sniffImage(joined(PNG_3x2.subarray(0, 8), '<html><script>alert(1)</script></html>'))).toBeNull();
    // A real signature buried after text is not at the start, so it does not count.
    expect(sniffImage(joined(new TextEncoder().encode('<html>'), String.fromCharCode(...PNG_3x2)))).toBeNull();
  });

  it('refuses dimensions beyond 20000 px or of zero', () => {
    const huge = PNG_3x2.slice();
    new DataView(huge.buffer).setUint32(16, 20_001);
    expect(sniffImage(huge)).toBeNull();
    const empty = PNG_3x2.slice();
    new DataView(empty.buffer).setUint32(20, 0);
    expect(sniffImage(empty)).toBeNull();
  });

  it('refuses truncated files without throwing', () => {
    for (const file of [PNG_3x2, JPEG_3x2, GIF_1x1, WEBP_LOSSY_3x2, WEBP_LOSSLESS_3x2, WEBP_EXTENDED_3x2]) {
      for (const length of [0, 4, 11, 13, 20]) expect(sniffImage(file.subarray(0, length))).toBeNull();
    }
    // The JPEG cut before its start-of-frame.
    expect(sniffImage(JPEG_3x2.subarray(0, 600))).toBeNull();
  });
});
