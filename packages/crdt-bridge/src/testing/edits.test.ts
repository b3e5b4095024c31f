import { describe, expect, it } from 'vitest';
import { yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT, schema } from '../schema/schema.js';
import { commentsMap, readThreads } from '../comments/threads.js';
import { DELETION_MARK, INSERTION_MARK } from '../schema/suggestionMarks.js';
import { randomCommentEdit, randomSuggestionEdit } from './commentEdits.js';
import { TEST_TEXT, randomEdits, randomTextEdit, randomXmlEdit } from './edits.js';
import { stateFingerprint } from './peers.js';
import { createRandom } from './random.js';

function docWithClient(clientID: number): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  return doc;
}

describe('random edits', () => {
  it('keep the ProseMirror fragment valid under the Tandem schema, edit after edit', () => {
    const random = createRandom(11);
    const doc = new Y.Doc();
    const fragment = doc.getXmlFragment(CONTENT_FRAGMENT);
    let headings = 0;
    for (let i = 0; i < 400; i++) {
      doc.transact(() => randomXmlEdit(random, fragment));
      const node = yXmlFragmentToProseMirrorRootNode(fragment, schema);
      // check() throws on any node, attribute or mark the schema does not allow.
      expect(() => node.check(), `after edit ${i}: ${fragment.toString()}`).not.toThrow();
      node.descendants((child) => {
        if (child.type.name === 'heading') headings++;
      });
    }
    expect(fragment.length).toBeGreaterThan(0);
    expect(headings).toBeGreaterThan(0);
  });

  it('change both the plain text and the fragment, one update per edit', () => {
    const random = createRandom(3);
    const doc = new Y.Doc();
    let updates = 0;
    doc.on('update', () => updates++);
    randomEdits(random, doc, 100);
    expect(updates).toBeGreaterThan(80);
    expect(updates).toBeLessThanOrEqual(100);
    expect(doc.getText(TEST_TEXT).length).toBeGreaterThan(0);
    expect(doc.getXmlFragment(CONTENT_FRAGMENT).length).toBeGreaterThan(0);
  });

  it('are reproducible from the seed', () => {
    const a = docWithClient(1);
    const b = docWithClient(1);
    randomEdits(createRandom(77), a, 60);
    randomEdits(createRandom(77), b, 60);
    expect(stateFingerprint(a)).toBe(stateFingerprint(b));
    expect(a.getText(TEST_TEXT).toString()).toBe(b.getText(TEST_TEXT).toString());
  });

  it('delete as well as insert text', () => {
    const random = createRandom(8);
    const text = new Y.Doc().getText(TEST_TEXT);
    let shrank = false;
    for (let i = 0; i < 200; i++) {
      const before = text.length;
      randomTextEdit(random, text);
      if (text.length < before) shrank = true;
    }
    expect(shrank).toBe(true);
  });
});

describe('random comment and suggestion edits', () => {
  it('write threads every client reads and suggestion marks the schema accepts, and two copies converge', () => {
    const random = createRandom(5);
    const a = docWithClient(1);
    const b = docWithClient(2);
    a.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== 'peer') Y.applyUpdate(b, update, 'peer');
    });
    b.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== 'peer') Y.applyUpdate(a, update, 'peer');
    });
    for (let i = 0; i < 40; i++) a.transact(() => randomXmlEdit(random, a.getXmlFragment(CONTENT_FRAGMENT)));
    let suggested = 0;
    for (let i = 0; i < 300; i++) {
      const doc = random.pick([a, b]);
      doc.transact(() => (random.chance(0.5) ? randomCommentEdit(random, doc) : randomSuggestionEdit(random, doc)));
      const node = yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment(CONTENT_FRAGMENT), schema);
      expect(() => node.check(), `after edit ${i}`).not.toThrow();
      node.descendants((child) => {
        if (child.marks.some((m) => m.type.name === INSERTION_MARK || m.type.name === DELETION_MARK)) suggested++;
      });
    }
    const threads = readThreads(a);
    expect(threads.length).toBeGreaterThan(3);
    expect(threads.some((t) => t.messages.length > 1)).toBe(true);
    expect(threads.some((t) => t.status === 'resolved')).toBe(true);
    // Every thread written is one readThreads accepts: none dropped as malformed.
    expect(threads.length).toBe(commentsMap(a).size);
    expect(readThreads(b)).toEqual(threads);
    expect(suggested).toBeGreaterThan(0);
    expect(stateFingerprint(a)).toBe(stateFingerprint(b));
  });
});
