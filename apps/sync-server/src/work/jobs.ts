// The heavy work the server does for a request, as pure functions of plain data: each
// runs on a worker thread (see WorkerPool), never on the event loop. Inputs arrive as
// structured clones; outputs go back with their byte arrays transferred, not copied.

import * as Y from 'yjs';
import type { DiffJSON, VersionContentJSON } from '@tandem/crdt-bridge/api';
import {
  blockCount,
  boundDiff,
  diffStates,
  restoreBlock,
  restoreState,
  stateContent,
  utf8Length,
} from '@tandem/crdt-bridge/history';
import {
  cleanTitle,
  docFromY,
  docTitle,
  docText,
  firstTextLineOfNode,
  htmlPage,
  minimumStateBytes,
  nodeText,
  schema,
  toHtml,
  withoutSuggestions,
  yUpdateFromDoc,
  type ImportReport,
} from '@tandem/crdt-bridge/schema';
import { parseMarkdownWithReport, toMarkdown, type ImageImport } from '@tandem/crdt-bridge/markdown';
import type { Node as PMNode } from 'prosemirror-model';
import type { ImageSet } from '../export/images.js';
import { attributeChanges } from '../history/attribution.js';
import { imageIdsOf } from '../images/imageReferences.js';
import { embeddedImageCollector } from '../images/embeddedImages.js';
import type { NewImage } from '../storage/ImageStore.js';
import { LARGE_UPDATE_BYTES } from '../rooms/largeUpdate.js';
import { splitUpdate as splitIntoParts } from '../rooms/v1Update.js';
import { decodeRow, unpackState, type PackedState } from '../storage/rowCodec.js';
import { packVersionState, type BaseCandidate, type Packing, type VersionState } from '../storage/versionPacking.js';
import type { AuthorEntry } from '../storage/VersionStore.js';
import { documentComments, documentImages, exportDocument, exportDocx } from './exportJobs.js';
import { bytesOf, docOf, type StateSource } from './stateSource.js';

export type { StateSource } from './stateSource.js';

/** A new document's content, ready to store as one compacted row. */
export interface NewDocumentContent {
  /** The whole state (a Yjs V1 update). */
  state: Uint8Array;
  stateVector: Uint8Array;
  /** The state's delete set as an update (`StateSummary.deleteSetUpdate`). */
  deleteSetUpdate: Uint8Array;
  title: string;
  /** Its plain text, for the search index (see `docText`). */
  text: string;
}

/** Why a job refused its input; the message is written for the person who asked. */
export type RefusalCode = 'TOO_LARGE' | 'INVALID_BLOCK';

/** Thrown by a job whose input it will not process; reaches the caller with its code and message. */
export class JobRefused extends Error {
  override readonly name = 'JobRefused';
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
  }
}

/** A size in words: KiB below a mebibyte (a limit of 16 KiB must not read "0.0 MiB"), MiB above. */
function mib(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KiB` : `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** The state a source stands for, in parts (merging them costs ~150 ms for a 3 MB state; a diff reads them as they are). */
function partsOfSource(source: StateSource): Uint8Array[] {
  if ('packed' in source) return source.packed.parts.map((part) => decodeRow(part.data, part.codec));
  return source.updates.length === 0 ? [new Uint8Array([0, 0])] : source.updates;
}

/** Builds a new document's content from `node`, refusing it when its state would be over `maxStateBytes`. */
function newContent(
  node: PMNode,
  metaTitle: string | undefined,
  title: string,
  maxStateBytes: number,
): NewDocumentContent {
  // Refuse what is certainly too large before building it: the Yjs document costs tens of times its encoded size.
  const atLeast = minimumStateBytes(node);
  if (atLeast > maxStateBytes) {
    throw new JobRefused(
      'TOO_LARGE',
      `This would make a document of more than ${mib(atLeast)}; one document may hold at most ${mib(maxStateBytes)} here. Split it into smaller ones.`,
    );
  }
  const state = yUpdateFromDoc(node, metaTitle);
  if (state.byteLength > maxStateBytes) {
    throw new JobRefused(
      'TOO_LARGE',
      `This would make a document of ${mib(state.byteLength)}; one document may hold at most ${mib(maxStateBytes)} here. Split it into smaller ones.`,
    );
  }
  const stateVector = Y.encodeStateVectorFromUpdate(state);
  // Against its own state vector no items qualify: what is left is the delete set alone.
  return { state, stateVector, deleteSetUpdate: Y.diffUpdate(state, stateVector), title, text: nodeText(node) };
}

/**
 * Parses Markdown into a new document's content; the title given (cleaned by the caller) or
 * else the first line. `report` counts what was kept in another form (see ImportReport);
 * `images` are the embedded images to store.
 */
export function importMarkdown(input: { markdown: string; title: string; maxStateBytes: number }): ImportedContent {
  const collector = embeddedImageCollector();
  const how: ImageImport = { storeEmbedded: (src) => collector.storeEmbedded(src), remoteImagesKeptAsLinks: 0 };
  const { doc, report } = parseMarkdownWithReport(input.markdown, how);
  const title = input.title || cleanTitle(firstTextLineOfNode(doc));
  return { ...newContent(doc, input.title || undefined, title, input.maxStateBytes), images: collector.images, report };
}

/** An imported document's content, with the images it embedded (to store) and what it kept in another form. */
export interface ImportedContent extends NewDocumentContent {
  images: NewImage[];
  report: ImportReport;
}

/** A version's content as a new document's, titled "Copy of …", with a history of its own. */
export function copyVersion(input: { version: PackedState; maxStateBytes: number }): NewDocumentContent {
  const content = stateContent(unpackState(input.version));
  const title = cleanTitle(`Copy of ${content.title || 'Untitled'}`);
  return newContent(schema.nodeFromJSON(content.doc), title, title, input.maxStateBytes);
}

/** A stored document's title and the start of its text (at most about `maxChars`), for the search index. */
export function documentText(input: { source: StateSource; maxChars: number }): { title: string; text: string } {
  const doc = docOf(input.source);
  try {
    return { title: docTitle(doc), text: docText(doc, input.maxChars) };
  } finally {
    doc.destroy();
  }
}

/**
 * A version's content: as JSON (`{ doc, text, title }`: ProseMirror JSON, plain text,
 * title, as one JSON object's text), Markdown or HTML.
 */
export function versionContent(input: { version: PackedState; format: 'json' | 'markdown' | 'html' }): {
  body: Uint8Array;
  title: string;
} {
  const content = stateContent(unpackState(input.version));
  if (input.format === 'json') {
    // The route puts `version` in front (see sendJsonWith).
    const rest: Omit<VersionContentJSON, 'version'> = content;
    return { body: bytesOf(JSON.stringify(rest)), title: content.title };
  }
  // As in exports: suggestions are not part of the text until accepted.
  const node = withoutSuggestions(schema.nodeFromJSON(content.doc));
  const body = input.format === 'markdown' ? toMarkdown(node) : htmlPage(content.title, toHtml(node));
  return { body: bytesOf(body), title: content.title };
}

/**
 * The changes from `base` (null: the empty document) to `target`, credited to people
 * (see attributeChanges) and bounded to `maxBytes` of JSON (see boundDiff), as the text of
 * one JSON object: `{ doc, changes, stats, titles, colors, hidden, truncated }`.
 * `reservedBytes` is what the caller adds around it.
 */
export function diff(input: {
  base: StateSource | null;
  target: StateSource;
  authors: AuthorEntry[];
  sole: string | null;
  maxBytes: number;
  reservedBytes: number;
}): { body: Uint8Array } {
  const full = diffStates(input.base ? partsOfSource(input.base) : null, partsOfSource(input.target));
  const { changes, colors } = attributeChanges(full.changes, input.authors, input.sole);
  const otherBytes =
    utf8Length(JSON.stringify({ stats: full.stats, titles: full.titles, colors })) + input.reservedBytes;
  const bounded = boundDiff(full.doc, changes, input.maxBytes, { otherBytes });
  // The route puts `base` and `target` in front (see sendJsonWith).
  const rest: Omit<DiffJSON, 'base' | 'target'> = {
    doc: bounded.doc,
    changes: bounded.changes,
    stats: full.stats,
    titles: full.titles,
    colors,
    hidden: bounded.hidden,
    truncated: bounded.truncated,
  };
  return { body: bytesOf(JSON.stringify(rest)) };
}

/**
 * The Yjs update that restores `version` (all of it, or only its top-level block
 * `block`) over `current`, written under `clientId`: computed on a copy of the current
 * state, so the caller applies it to the live document, where edits made meanwhile merge
 * with it like any concurrent edit. Null when nothing would change. `before` is `current`
 * as one update, encoded here rather than on the event loop: the restore point. `parts`
 * is the update split to apply a part per turn of the event loop (at most `maxStructs`
 * structs each; the update itself when it is small).
 */
export function restore(input: {
  current: StateSource;
  version: PackedState;
  block: number | null;
  clientId: number;
  maxStructs: number;
}): { update: Uint8Array | null; before: Uint8Array; parts: Uint8Array[] } {
  const versionState = unpackState(input.version);
  const { block } = input;
  if (block !== null) {
    const count = blockCount(versionState);
    if (!Number.isInteger(block) || block < 0 || block >= count)
      throw new JobRefused('INVALID_BLOCK', `block must be a whole number from 0 to ${count - 1}.`);
  }
  const doc = docOf(input.current);
  try {
    doc.clientID = input.clientId;
    const before = Y.encodeStateAsUpdate(doc);
    let update: Uint8Array | null = null;
    doc.on('update', (u: Uint8Array) => {
      update = u;
    });
    const changed = block === null ? restoreState(doc, versionState) : restoreBlock(doc, versionState, block);
    if (!changed || update === null) return { update: null, before, parts: [] };
    const whole: Uint8Array = update;
    const parts = whole.byteLength > LARGE_UPDATE_BYTES ? splitIntoParts(whole, input.maxStructs) : [whole];
    return { update: whole, before, parts };
  } finally {
    doc.destroy();
  }
}

/**
 * A client's large update split into parts of at most `maxStructs` structs (see
 * `Room.submitClientUpdate`); `parts` is null when the bytes are not one whole V1 update.
 * Decoding a big update whole is the one step of taking it in that cannot be sliced.
 */
export function splitUpdate(input: { update: Uint8Array; maxStructs: number }): { parts: Uint8Array[] | null } {
  try {
    return { parts: splitIntoParts(input.update, input.maxStructs) };
  } catch {
    return { parts: null };
  }
}

/** Which of `ids` any of the states (a document's current one, its versions) shows: what the image sweep must keep. */
export function imagesReferenced(input: { sources: StateSource[]; ids: string[] }): { referenced: string[] } {
  const wanted = new Set(input.ids);
  const found = new Set<string>();
  for (const source of input.sources) {
    const doc = docOf(source);
    try {
      for (const id of imageIdsOf(docFromY(doc))) if (wanted.has(id)) found.add(id);
    } finally {
      doc.destroy();
    }
    if (found.size === wanted.size) break;
  }
  return { referenced: [...found] };
}

/** How a version's state is to be stored (see `packVersionState`): it reads the whole multi-MB state. */
export function packVersion(input: { state: VersionState; base: BaseCandidate | null }): Promise<Packing> {
  return packVersionState(input.state, input.base);
}

/** Every job, by name: what a worker can be asked to run. */
export const JOBS = {
  importMarkdown,
  copyVersion,
  exportDocument,
  documentImages,
  exportDocx,
  documentComments,
  documentText,
  versionContent,
  diff,
  restore,
  splitUpdate,
  imagesReferenced,
  packVersion,
} as const;

/** The name of a job. */
export type JobName = keyof typeof JOBS;
/** What job `K` takes. */
export type JobInput<K extends JobName> = Parameters<(typeof JOBS)[K]>[0];
/** What job `K` gives back. */
export type JobOutput<K extends JobName> = Awaited<ReturnType<(typeof JOBS)[K]>>;
