// Jobs that render a document for reading outside the editor (see jobs.ts: they run on a worker).

import type { CommentsJSON } from '@tandem/crdt-bridge/api';
import { readThreads, threadJson } from '@tandem/crdt-bridge/comments';
import { docFromY, docTitle, htmlPage, toHtml, toMarkdown } from '@tandem/crdt-bridge/schema';
import type { ImageSet } from '../export/images.js';
import { imageIdsOf } from '../images/imageReferences.js';
import { bytesOf, docOf, type StateSource } from './stateSource.js';

/**
 * A live or stored document as a Markdown or HTML download, and its title. Markdown links
 * images to `imageBase` + their id (HTML gets their bytes later, on the main thread).
 */
export function exportDocument(input: { source: StateSource; format: 'markdown' | 'html'; imageBase?: string }): {
  body: Uint8Array;
  title: string;
} {
  const doc = docOf(input.source);
  try {
    const node = docFromY(doc);
    const title = docTitle(doc);
    const { imageBase } = input;
    const markdown = () => toMarkdown(node, imageBase === undefined ? {} : { imagePath: (id) => imageBase + id });
    return { body: bytesOf(input.format === 'markdown' ? markdown() : htmlPage(title, toHtml(node))), title };
  } finally {
    doc.destroy();
  }
}

/** The ids of the images a document shows: what a Word export must load before it is built. */
export function documentImages(input: { source: StateSource }): { ids: string[] } {
  const doc = docOf(input.source);
  try {
    return { ids: [...imageIdsOf(docFromY(doc))] };
  } finally {
    doc.destroy();
  }
}

/** A live or stored document as a Word file, with the images the caller loaded, and its title. */
export async function exportDocx(input: { source: StateSource; images: ImageSet }): Promise<{
  body: Uint8Array;
  title: string;
}> {
  // Loaded on the first Word export only: the docx package would slow every worker's start.
  const { buildDocx } = await import('../export/docx.js');
  const doc = docOf(input.source);
  try {
    const title = docTitle(doc);
    return { body: await buildDocx(docFromY(doc), title, input.images), title };
  } finally {
    doc.destroy();
  }
}

/** Every comment thread of a live or stored document, with the text each is on now (`GET …/comments`). */
export function documentComments(input: { source: StateSource }): CommentsJSON {
  const doc = docOf(input.source);
  try {
    return { threads: readThreads(doc).map((thread) => threadJson(doc, thread)) };
  } finally {
    doc.destroy();
  }
}
