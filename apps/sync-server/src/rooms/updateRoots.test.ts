import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  COMMENTS_MAP,
  createThread,
  deleteMessage,
  deleteThread,
  putMessage,
  setThreadStatus,
  type CommentPerson,
} from '@tandem/crdt-bridge/comments';
import { mayTouchRoot } from './updateRoots.js';
import { decodeWholeV1Update } from './v1Update.js';

const ana: CommentPerson = { id: 'ana', name: 'Ana', color: '#112233' };
const note = (id: string, text: string) => ({ id, author: ana, text, mentions: [], createdAt: 1, editedAt: null });

/** A document with a paragraph and a thread; `change` is made on a copy and judged against the original. */
function touchesComments(change: (doc: Y.Doc) => void): boolean {
  const doc = new Y.Doc();
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText('Hello')]);
  doc.getXmlFragment('prosemirror').insert(0, [p]);
  createThread(doc, { id: 't1', anchor: null, suggestion: 's1', quote: 'Hello', message: note('m1', 'Hi') });
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  const updates: Uint8Array[] = [];
  copy.on('update', (u: Uint8Array) => updates.push(u));
  change(copy);
  return mayTouchRoot(doc, [decodeWholeV1Update(Y.mergeUpdates(updates))], COMMENTS_MAP);
}

const text = (doc: Y.Doc) => (doc.getXmlFragment('prosemirror').get(0) as Y.XmlElement).get(0) as Y.XmlText;

describe('mayTouchRoot', () => {
  it('says no for changes to the body and other roots alone', () => {
    expect(touchesComments((doc) => text(doc).insert(5, ' world'))).toBe(false);
    expect(touchesComments((doc) => text(doc).delete(0, 2))).toBe(false);
    expect(touchesComments((doc) => text(doc).format(0, 2, { bold: true }))).toBe(false);
    expect(touchesComments((doc) => doc.getMap('meta').set('title', 'x'))).toBe(false);
  });

  it('says yes for every kind of comment change, deletions included', () => {
    const changes: ((doc: Y.Doc) => void)[] = [
      (doc) => createThread(doc, { id: 't2', anchor: null, suggestion: 's2', quote: 'x', message: note('m2', 'Yo') }),
      (doc) => putMessage(doc, 't1', note('m3', 'Reply')),
      (doc) => putMessage(doc, 't1', { ...note('m1', 'Edited'), editedAt: 2 }),
      (doc) => setThreadStatus(doc, 't1', 'resolved', ana, 3),
      (doc) => deleteMessage(doc, 't1', 'm1'),
      (doc) => deleteThread(doc, 't1'),
      (doc) => {
        text(doc).insert(0, 'Body and ');
        putMessage(doc, 't1', note('m4', 'both'));
      },
    ];
    for (const change of changes) expect(touchesComments(change)).toBe(true);
  });

  it('says yes when it cannot tell where an item goes', () => {
    const stranger = new Y.Doc();
    stranger.getMap('elsewhere').set('k', new Y.Map());
    const inner = stranger.getMap('elsewhere').get('k') as Y.Map<unknown>;
    const before = Y.encodeStateVector(stranger);
    inner.set('x', 1);
    const update = Y.encodeStateAsUpdate(stranger, before);
    // Judged against a document that has never seen the map the item goes into.
    expect(mayTouchRoot(new Y.Doc(), [decodeWholeV1Update(update)], COMMENTS_MAP)).toBe(true);
  });
});
