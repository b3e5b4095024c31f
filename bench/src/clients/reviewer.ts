/**
 * A reviewer who has been through a document before the measured person opens it: open
 * comment threads on some paragraphs and suggested insertions and deletions in others,
 * written through the Tandem protocol in the shape the editor writes them.
 */
import * as Y from 'yjs';
import { createThread } from '@tandem/crdt-bridge/comments';
import { CONTENT_FRAGMENT, DELETION_MARK, INSERTION_MARK } from '@tandem/crdt-bridge/schema';
import { REMOTE, TandemConnection } from './index.js';

/** How much review to add. */
export interface ReviewOptions {
  port: number;
  docId: string;
  threads: number;
  suggestions: number;
  /** Top-level blocks to leave alone (where people will type). */
  avoid: readonly number[];
}

const PERSON = { id: 'bench-reviewer', name: 'Rita Reviewer', color: '#c2255c' };

/** The last Y.XmlText of each top-level paragraph with some text, by block index. */
function paragraphs(doc: Y.Doc, avoid: readonly number[]): Y.XmlText[] {
  const out: Y.XmlText[] = [];
  doc
    .getXmlFragment(CONTENT_FRAGMENT)
    .toArray()
    .forEach((block, index) => {
      if (!(block instanceof Y.XmlElement) || block.nodeName !== 'paragraph' || avoid.includes(index)) return;
      const last = block.get(block.length - 1);
      if (last instanceof Y.XmlText && last.length >= 20) out.push(last);
    });
  return out;
}

/** Adds `threads` open threads and `suggestions` suggestions spread evenly through the document; resolves once stored. */
export async function addReview(options: ReviewOptions): Promise<void> {
  const doc = new Y.Doc();
  const connection = new TandemConnection(options.port);
  try {
    await connection.join(options.docId, doc, { onUpdate: (update) => Y.applyUpdate(doc, update, REMOTE) });
    const texts = paragraphs(doc, options.avoid);
    const total = options.threads + options.suggestions;
    if (texts.length < total) throw new Error(`only ${texts.length} paragraphs to review`);
    const pending: Promise<boolean>[] = [];
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== REMOTE)
        pending.push(new Promise((resolve) => connection.sendUpdate(options.docId, update, resolve)));
    });
    const at = Date.now();
    for (let i = 0; i < total; i++) {
      // Alternate threads and suggestions, evenly spaced, so some are always on screen.
      const text = texts[Math.floor((i * texts.length) / total)]!;
      const id = `bench${i}`;
      if (i % 2 === 0 && i / 2 < options.threads) {
        const pos = (index: number) => Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, index));
        createThread(doc, {
          id,
          anchor: { start: pos(5), end: pos(18) },
          suggestion: null,
          quote: text.toString().slice(5, 18),
          message: {
            id: `${id}m`,
            author: PERSON,
            text: 'Is this right?',
            mentions: [],
            createdAt: at,
            editedAt: null,
          },
        });
      } else {
        const attrs = { id, author: PERSON.id, name: PERSON.name, color: PERSON.color };
        if (i % 4 === 1) text.insert(10, ' suggested words', { [INSERTION_MARK]: attrs });
        else text.format(4, 12, { [DELETION_MARK]: attrs });
      }
    }
    const stored = await Promise.all(pending);
    if (!stored.every(Boolean)) throw new Error('the server refused part of the review');
  } finally {
    connection.close();
    doc.destroy();
  }
}
