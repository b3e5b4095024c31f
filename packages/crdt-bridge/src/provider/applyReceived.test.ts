import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyReceivedUpdate } from './applyReceived.js';

interface Emitted {
  update: Uint8Array;
  origin: unknown;
  local: boolean;
}

function listen(doc: Y.Doc): Emitted[] {
  const emitted: Emitted[] = [];
  doc.on('update', (update, origin, _doc, transaction) => emitted.push({ update, origin, local: transaction.local }));
  return emitted;
}

function sourceWithText(text: string): Y.Doc {
  const source = new Y.Doc();
  source.getText('t').insert(0, text);
  return source;
}

const SERVER = Symbol('server');

describe('applyReceivedUpdate', () => {
  it('hands update listeners the received bytes themselves, not a re-encoding', () => {
    const update = Y.encodeStateAsUpdate(sourceWithText('hello'));
    const doc = new Y.Doc();
    const emitted = listen(doc);
    applyReceivedUpdate(doc, update, SERVER);
    expect(doc.getText('t').toString()).toBe('hello');
    expect(emitted).toHaveLength(1);
    expect(emitted[0]!.update).toBe(update);
    expect(emitted[0]!.origin).toBe(SERVER);
  });

  it('emits nothing for an update that brings nothing new, as Yjs does', () => {
    const update = Y.encodeStateAsUpdate(sourceWithText('hello'));
    const doc = new Y.Doc();
    Y.applyUpdate(doc, update);
    const emitted = listen(doc);
    applyReceivedUpdate(doc, update, SERVER);
    expect(emitted).toHaveLength(0);
  });

  it('still emits, after the received update, what an observer changed locally during the apply', () => {
    const update = Y.encodeStateAsUpdate(sourceWithText('hello'));
    const doc = new Y.Doc();
    const text = doc.getText('t');
    // A local fix made in reaction to remote content, as editor plugins do.
    text.observe((event) => {
      if (event.transaction.origin === SERVER) doc.transact(() => text.insert(text.length, '!'), 'fix');
    });
    const emitted = listen(doc);
    applyReceivedUpdate(doc, update, SERVER);
    expect(text.toString()).toBe('hello!');
    expect(emitted.map((e) => e.origin)).toEqual([SERVER, 'fix']);
    expect(emitted[1]!.local).toBe(true);
    // Everything a listener saw, replayed elsewhere in order, gives the same document.
    const replica = new Y.Doc();
    for (const e of emitted) Y.applyUpdate(replica, e.update);
    expect(replica.getText('t').toString()).toBe('hello!');
  });

  it('leaves listeners attached afterwards, and listeners added or removed meanwhile take effect', () => {
    const doc = new Y.Doc();
    const emitted = listen(doc);
    const late: Uint8Array[] = [];
    const lateListener = (u: Uint8Array): number => late.push(u);
    doc.getText('t').observe(() => doc.on('update', lateListener));
    applyReceivedUpdate(doc, Y.encodeStateAsUpdate(sourceWithText('a')), SERVER);
    doc.getText('t').insert(0, 'b');
    expect(emitted).toHaveLength(2);
    expect(emitted[1]!.local).toBe(true);
    expect(late.length).toBeGreaterThanOrEqual(1);
    doc.off('update', lateListener);
  });

  it('works with no update listener at all', () => {
    const doc = new Y.Doc();
    applyReceivedUpdate(doc, Y.encodeStateAsUpdate(sourceWithText('plain')), SERVER);
    expect(doc.getText('t').toString()).toBe('plain');
  });
});
