/**
 * Another person typing in a Tandem document, without a browser: a Y.Doc and an Awareness
 * joined through the Tandem protocol, typing one character at a time at the end of one
 * paragraph and moving their caret with it, as the editor would send it (y-prosemirror's
 * fragment layout, cursor as relative positions, name and colour in "user").
 */
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from '@tandem/crdt-bridge/schema';
import { REMOTE, TandemConnection } from './index.js';

/** Who the typist is and where they type. */
export interface TypistOptions {
  port: number;
  docId: string;
  name: string;
  /** 6-digit hex, as the editor requires. */
  color: string;
  /** Top-level index of the paragraph they type at the end of. */
  block: number;
  /** What they type, over and over. */
  text: string;
}

/** Plain text of a Y.XmlText (its delta without formatting). */
function plain(text: Y.XmlText): string {
  return (text.toDelta() as { insert?: unknown }[])
    .map((op) => (typeof op.insert === 'string' ? op.insert : ''))
    .join('');
}

/** The Y.XmlText of top-level paragraph `index`: where y-prosemirror keeps its characters. */
function paragraphText(doc: Y.Doc, index: number): Y.XmlText {
  const block = doc.getXmlFragment(CONTENT_FRAGMENT).get(index);
  if (!(block instanceof Y.XmlElement) || block.nodeName !== 'paragraph')
    throw new Error(`top-level block ${index} is not a paragraph`);
  const last = block.get(block.length - 1);
  if (!(last instanceof Y.XmlText)) throw new Error(`paragraph ${index} does not end in text`);
  return last;
}

/** A second or third person in the document, typing at a steady rate. */
export class Typist {
  readonly doc = new Y.Doc();
  readonly awareness = new Awareness(this.doc);
  /** Characters typed so far. */
  typed = 0;
  private readonly connection: TandemConnection;
  private text: Y.XmlText | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  private constructor(private readonly options: TypistOptions) {
    this.connection = new TandemConnection(options.port);
    // Everything typed goes to the server, like the editor's provider sends it.
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== REMOTE) this.connection.sendUpdate(options.docId, update);
    });
    this.awareness.on('update', ({ added, updated, removed }: Record<string, number[]>, origin: unknown) => {
      if (origin === REMOTE) return;
      const changed = [...added!, ...updated!, ...removed!];
      this.connection.sendAwareness(options.docId, encodeAwarenessUpdate(this.awareness, changed));
    });
  }

  /** Joins the document and shows the caret at the end of the paragraph. */
  static async join(options: TypistOptions): Promise<Typist> {
    const typist = new Typist(options);
    try {
      await typist.connection.join(options.docId, typist.doc, {
        onUpdate: (update) => Y.applyUpdate(typist.doc, update, REMOTE),
      });
      typist.text = paragraphText(typist.doc, options.block);
    } catch (err) {
      typist.close();
      throw err;
    }
    typist.awareness.setLocalStateField('user', { name: options.name, color: options.color });
    typist.moveCaret();
    return typist;
  }

  /** The paragraph's text as this typist sees it. */
  get paragraph(): string {
    return this.text ? plain(this.text) : '';
  }

  /** Plain text of top-level paragraph `index` as this typist sees it. */
  textOf(index: number): string {
    const block = this.doc.getXmlFragment(CONTENT_FRAGMENT).get(index);
    if (!(block instanceof Y.XmlElement)) return '';
    return block
      .toArray()
      .map((child) => (child instanceof Y.XmlText ? plain(child) : ''))
      .join('');
  }

  /** Types one character at the end of the paragraph and moves the caret after it. */
  key(): void {
    const text = this.text!;
    const ch = this.options.text[this.typed % this.options.text.length]!;
    text.insert(text.length, ch);
    this.typed++;
    this.moveCaret();
  }

  /** Types `keysPerSec` characters a second (on a fixed schedule) until stopped, starting after `offsetMs`. */
  start(keysPerSec: number, offsetMs = 0): void {
    const interval = 1000 / keysPerSec;
    const t0 = performance.now() + offsetMs;
    let n = 0;
    this.awareness.setLocalStateField('typing', true);
    const tick = (): void => {
      this.key();
      n++;
      this.timer = setTimeout(tick, Math.max(0, t0 + n * interval - performance.now()));
    };
    this.timer = setTimeout(tick, offsetMs);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.awareness.setLocalStateField('typing', false);
  }

  /** Leaves: stops typing, clears presence, closes the connection. */
  close(): void {
    this.stop();
    // destroy() also stops the awareness' renewal timer, which would keep the process alive.
    this.awareness.destroy();
    this.connection.close();
    this.doc.destroy();
  }

  private moveCaret(): void {
    const text = this.text!;
    const at = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, text.length)) as unknown;
    this.awareness.setLocalStateField('cursor', { anchor: at, head: at });
  }
}
