import { describe, expect, it } from 'vitest';
import { parseMarkdown, toMarkdown } from './markdown.js';
import { schema } from './schema.js';
import type { ImageImport } from './markdownImages.js';

const ID = 'b'.repeat(64);

describe('images in Markdown', () => {
  it('exports an image as ![alt](<url>) with its caption as an italic line after it', () => {
    const doc = schema.node('doc', null, [
      schema.node('paragraph', null, [schema.text('Before')]),
      schema.node('image', { id: ID, alt: 'A [sun]', caption: 'Noon' }),
    ]);
    expect(toMarkdown(doc, { imagePath: (id) => `/api/docs/d/images/${id}` })).toBe(
      `Before\n\n![A \\[sun\\]](</api/docs/d/images/${ID}>)\n*Noon*`,
    );
  });

  it('imports an embedded image as an image block, through the store it is given', () => {
    const stored: string[] = [];
    const how: ImageImport = {
      storeEmbedded: (src) => {
        stored.push(src);
        return ID;
      },
      remoteImagesKeptAsLinks: 0,
    };
    const doc = parseMarkdown('Look:\n\n![A sun](data:image/png;base64,AAAA)\n\nAfter', how);
    expect(stored).toEqual(['data:image/png;base64,AAAA']);
    expect(doc.toJSON().content.map((n: { type: string }) => n.type)).toEqual(['paragraph', 'image', 'paragraph']);
    expect(doc.child(1).attrs).toMatchObject({ id: ID, alt: 'A sun' });
  });

  it('keeps an image from elsewhere as a link named by its alt text, never fetched, and counts it', () => {
    const how: ImageImport = { storeEmbedded: () => ID, remoteImagesKeptAsLinks: 0 };
    const doc = parseMarkdown('See ![the chart](https://example.com/c.png) here', how);
    expect(how.remoteImagesKeptAsLinks).toBe(1);
    const link = doc.firstChild!.child(1);
    expect(link.text).toBe('the chart');
    expect(link.marks[0]!.attrs.href).toBe('https://example.com/c.png');
  });

  it('without a store, an embedded image leaves its alt text', () => {
    expect(parseMarkdown('![A sun](data:image/png;base64,AAAA)').textContent).toBe('A sun');
  });
});
