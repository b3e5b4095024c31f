// Jobs that render a document for reading outside the editor (see jobs.ts: they run on a worker).

import type { CommentsJSON } from '@tandem/crdt-bridge/api';
import { readThreads, threadJson } from '@tandem/crdt-bridge/comments';
import { toMarkdown } from '@tandem/crdt-bridge/markdown';
import { docFromY, docTitle, htmlPage, toHtml, withoutSuggestions } from '@tandem/crdt-bridge/schema';
import { commentsSection, linkNotes, noteComments } from '../export/commentNotes.js';
import type { ImageSet } from '../export/images.js';
import { imageIdsOf } from '../images/imageReferences.js';
import { bytesOf, docOf, type StateSource } from './stateSource.js';

/** What an export shows besides the document: suggestions (else left out as not yet accepted), comments (HTML only). */
export interface ExportOptions {
  suggestions?: boolean;
  comments?: boolean;
}

/**
 * A live or stored document as a Markdown or HTML download, and its title. Markdown links
 * images to `imageBase` + their id (HTML gets their bytes later, on the main thread).
 * Suggestions are left out (the document as if none were accepted) unless asked for:
 * then Markdown writes them as CriticMarkup and HTML as `<ins>`/`<del>`. HTML may add the
 * open comment threads as footnotes.
 */
export function exportDocument(
  input: { source: StateSource; format: 'markdown' | 'html'; imageBase?: string } & ExportOptions,
): { body: Uint8Array; title: string } {
  const doc = docOf(input.source);
  try {
    const title = docTitle(doc);
    const notes = input.format === 'html' && input.comments ? noteComments(doc) : [];
    const whole = docFromY(doc);
    const node = input.suggestions ? whole : withoutSuggestions(whole);
    const { imageBase } = input;
    if (input.format === 'markdown')
      return {
        body: bytesOf(toMarkdown(node, imageBase === undefined ? {} : { imagePath: (id) => imageBase + id })),
        title,
      };
    return { body: bytesOf(htmlPage(title, linkNotes(toHtml(node), notes) + commentsSection(notes))), title };
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

/** A live or stored document as a Word file (suggestions left out), with the images the caller loaded, and its title. */
export async function exportDocx(input: { source: StateSource; images: ImageSet }): Promise<{
  body: Uint8Array;
  title: string;
}> {
  // Loaded on the first Word export only: the docx package would slow every worker's start.
  const { buildDocx } = await import('../export/docx.js');
  const doc = docOf(input.source);
  try {
    const title = docTitle(doc);
    // Suggestions are not part of the document until accepted: left out, as in Markdown.
    return { body: await buildDocx(withoutSuggestions(docFromY(doc)), title, input.images), title };
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
