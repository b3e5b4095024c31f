import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT, schema } from '../schema/schema.js';
import { docText } from '../schema/text.js';
import { setStoredTitle, storedTitle } from '../schema/title.js';
import { diffStates } from './diff.js';
import { restoreBlock, restoreState, restoreUpdate } from './restore.js';
import { decodeState, docJSON, encodeState, stateContent } from './snapshot.js';

/** A peer with a fixed client id, so tests can name who wrote what. */
function peer(client: number): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = client;
  return doc;
}

function body(doc: Y.Doc): Y.XmlFragment {
  return doc.getXmlFragment(CONTENT_FRAGMENT);
}

function element(name: string, text: string, attrs: Record<string, unknown> = {}): Y.XmlElement {
  const el = new Y.XmlElement(name);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, value as string);
  if (text) el.insert(0, [new Y.XmlText(text)]);
  return el;
}

/** Appends paragraphs to a document's body. */
function write(doc: Y.Doc, ...paragraphs: string[]): void {
  body(doc).push(paragraphs.map((t) => element('paragraph', t)));
}

/** The text inside top-level block `i`. */
function textOf(doc: Y.Doc, i: number): Y.XmlText {
  return (body(doc).get(i) as Y.XmlElement).get(0) as Y.XmlText;
}

function sync(...docs: Y.Doc[]): void {
  for (const from of docs) for (const to of docs) if (from !== to) Y.applyUpdate(to, Y.encodeStateAsUpdate(from));
}

describe('snapshot content', () => {
  it('reads a state as ProseMirror JSON, plain text and title', () => {
    const doc = peer(1);
    body(doc).push([element('heading', 'Plan', { level: 2 }), element('paragraph', 'first step')]);
    const content = stateContent(encodeState(doc));
    expect(content.doc).toEqual({
      type: 'doc',
      content: [
        { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Plan' }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'first step' }] },
      ],
    });
    expect(content.text).toBe('Plan\nfirst step');
    expect(content.title).toBe('Plan');
  });

  it('reads an empty document as one empty paragraph, as the editor shows it', () => {
    expect(stateContent(encodeState(new Y.Doc())).doc).toEqual({ type: 'doc', content: [{ type: 'paragraph' }] });
  });

  it('refuses bytes that are not a Yjs update', () => {
    expect(() => decodeState(new Uint8Array([1, 2, 3, 4, 5]))).toThrow(RangeError);
  });

  it('drops marks the schema refuses, keeping their text', () => {
    const doc = peer(1);
    const p = new Y.XmlElement('paragraph');
    const t = new Y.XmlText();
    t.insert(0, 'click', { link: { href: 'javascript:alert(1)' } });
    t.insert(5, ' bold', { bold: {} });
    p.insert(0, [t]);
    body(doc).push([p]);
    expect(docJSON(doc).content![0]!.content).toEqual([
      { type: 'text', text: 'click' },
      { type: 'text', text: ' bold', marks: [{ type: 'bold' }] },
    ]);
  });

  it('drops node attributes the schema’s validators refuse (they throw), so the default applies', () => {
    const doc = peer(1);
    body(doc).push([element('heading', 'Odd', { level: 7 }), element('heading', 'Fine', { level: 3 })]);
    expect(docJSON(doc).content!.map((node) => node.attrs)).toEqual([undefined, { level: 3 }]);
    expect(schema.nodeFromJSON(docJSON(doc)).child(0).attrs).toEqual({ align: null, level: 1 });
  });
});

describe('diff between two states', () => {
  it('shows text typed since the base as added, by its author', () => {
    const alice = peer(11);
    write(alice, 'alpha');
    const v1 = encodeState(alice);
    const bob = peer(22);
    sync(alice, bob);
    textOf(bob, 0).insert(5, ' beta');
    const diff = diffStates(v1, encodeState(bob));
    expect(diff.changes).toEqual([{ type: 'added', from: 6, to: 11, block: false, text: ' beta', client: 22 }]);
    expect(diff.stats).toEqual({ added: 5, removed: 0 });
    expect(diff.doc.content![0]!.content!.map((n) => n.text).join('')).toBe('alpha beta');
  });

  it('shows deleted text where it was, even though the later state collected it', () => {
    const doc = peer(1);
    write(doc, 'keep this, drop that');
    const before = encodeState(doc);
    textOf(doc, 0).delete(9, 11);
    const after = encodeState(doc);
    // The later state has garbage-collected the deleted characters: they are only in the base.
    expect(stateContent(after).text).toBe('keep this');
    const diff = diffStates(before, after);
    expect(diff.doc.content![0]!.content!.map((n) => n.text).join('')).toBe('keep this, drop that');
    expect(diff.changes).toEqual([{ type: 'removed', from: 10, to: 21, block: false, text: ', drop that', client: 1 }]);
    expect(diff.stats).toEqual({ added: 0, removed: 11 });
  });

  it('shows whole paragraphs added and removed as block changes', () => {
    const doc = peer(1);
    write(doc, 'one', 'two', 'three');
    const before = encodeState(doc);
    body(doc).delete(1, 1);
    doc.clientID = 2;
    body(doc).push([element('paragraph', 'four')]);
    const diff = diffStates(before, encodeState(doc));
    expect(diff.doc.content!.map((b) => b.content?.[0]?.text)).toEqual(['one', 'two', 'three', 'four']);
    expect(diff.changes).toEqual([
      { type: 'removed', from: 5, to: 10, block: true, text: 'two', client: 1 },
      { type: 'added', from: 17, to: 23, block: true, text: 'four', client: 2 },
    ]);
  });

  it('shows a heading whose level changed as a changed block', () => {
    const doc = peer(1);
    body(doc).push([element('heading', 'Title', { level: 1 })]);
    const before = encodeState(doc);
    (body(doc).get(0) as Y.XmlElement).setAttribute('level', 2 as unknown as string);
    const diff = diffStates(before, encodeState(doc));
    expect(diff.changes).toEqual([{ type: 'changed', from: 0, to: 7, block: true, text: 'Title', client: 1 }]);
    expect(diff.doc.content![0]!.attrs).toEqual({ level: 2 });
  });

  it('compares against the empty document when there is no base', () => {
    const doc = peer(5);
    write(doc, 'hello');
    const diff = diffStates(null, encodeState(doc));
    expect(diff.changes).toEqual([{ type: 'added', from: 0, to: 7, block: true, text: 'hello', client: 5 }]);
  });

  it('reads the other way when the base is the later state', () => {
    const doc = peer(1);
    write(doc, 'alpha');
    const v1 = encodeState(doc);
    textOf(doc, 0).insert(5, ' beta');
    textOf(doc, 0).delete(0, 1);
    const v2 = encodeState(doc);
    const forward = diffStates(v1, v2);
    const backward = diffStates(v2, v1);
    expect(forward.changes.map((c) => [c.type, c.text])).toEqual([
      ['removed', 'a'],
      ['added', ' beta'],
    ]);
    expect(backward.changes.map((c) => [c.type, c.text])).toEqual([
      ['added', 'a'],
      ['removed', ' beta'],
    ]);
    expect(backward.titles).toEqual({ base: 'lpha beta', target: 'alpha' });
  });

  it('reports no changes between equal states', () => {
    const doc = peer(1);
    write(doc, 'same');
    expect(diffStates(encodeState(doc), encodeState(doc)).changes).toEqual([]);
  });
});

describe('restore as a forward change', () => {
  it('turns the current content into the version’s with one update', () => {
    const doc = peer(1);
    write(doc, 'alpha');
    setStoredTitle(doc, 'First');
    const v1 = encodeState(doc);
    textOf(doc, 0).insert(5, ' beta');
    write(doc, 'gamma');
    setStoredTitle(doc, 'Second');
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    expect(restoreState(doc, v1, 'restore')).toBe(true);
    expect(updates).toHaveLength(1);
    expect(docJSON(doc)).toEqual(stateContent(v1).doc);
    expect(storedTitle(doc)).toBe('First');
  });

  it('changes nothing when the content is already the version’s', () => {
    const doc = peer(1);
    write(doc, 'same');
    const v = encodeState(doc);
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    expect(restoreState(doc, v)).toBe(false);
    expect(restoreUpdate(encodeState(doc), v)).toBeNull();
    expect(updates).toHaveLength(0);
  });

  it('restores an empty version to an empty body', () => {
    const doc = peer(1);
    const empty = encodeState(doc);
    write(doc, 'something');
    restoreState(doc, empty);
    expect(body(doc).length).toBe(0);
  });

  it('edits paragraphs in place, so concurrent edits elsewhere survive and peers converge', () => {
    const server = peer(1);
    write(server, 'intro', 'alpha');
    const v1 = encodeState(server);
    textOf(server, 1).insert(5, ' beta');
    const client = peer(2);
    sync(server, client);
    // The client types in the intro while the server restores v1 (neither has seen the other's change).
    textOf(client, 0).insert(5, '!');
    restoreState(server, v1);
    sync(server, client);
    expect(docText(server)).toBe('intro!\nalpha');
    expect(docText(client)).toBe(docText(server));
  });

  it('changes only the blocks that differ, so a one-paragraph restore shows as that paragraph, even next to empty lines', () => {
    const doc = peer(1);
    const line = (text: string): Y.XmlElement => {
      const el = new Y.XmlElement('paragraph');
      el.insert(0, [new Y.XmlText(text)]); // Empty lines as the editor leaves them: holding an empty text.
      return el;
    };
    body(doc).push(['intro', 'gamma', 'the careful wording', 'gamma', '', ''].map(line));
    const v1 = encodeState(doc);
    body(doc).delete(2, 1);
    const before = encodeState(doc);
    expect(restoreState(doc, v1)).toBe(true);
    expect(docText(doc)).toBe('intro\ngamma\nthe careful wording\ngamma\n\n');
    const diff = diffStates(before, encodeState(doc));
    expect(diff.changes.map((c) => [c.type, c.block, c.text])).toEqual([['added', true, 'the careful wording']]);
  });

  it('keeps a peer’s undo stack and cursor working across a restore', () => {
    const server = peer(1);
    write(server, 'alpha', 'notes');
    const v1 = encodeState(server);
    textOf(server, 0).insert(5, ' beta');
    const client = peer(2);
    sync(server, client);
    const undo = new Y.UndoManager(body(client), { captureTimeout: 0 });
    textOf(client, 1).insert(5, ' more');
    // A cursor after "notes" in the client's second paragraph.
    const cursor = Y.createRelativePositionFromTypeIndex(textOf(client, 1), 5);
    restoreState(server, v1);
    // Remote changes come with the provider's origin, which the undo manager does not track.
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server, Y.encodeStateVector(client)), 'provider');
    expect(docText(client)).toBe('alpha\nnotes more');
    const at = Y.createAbsolutePositionFromRelativePosition(cursor, client);
    expect(at?.index).toBe(5);
    undo.undo();
    expect(docText(client)).toBe('alpha\nnotes');
  });

  it('brings back content from a version taken before a later state collected it', () => {
    const doc = peer(1);
    write(doc, 'the old text');
    const old = encodeState(doc);
    textOf(doc, 0).delete(0, 12);
    textOf(doc, 0).insert(0, 'new');
    // Load the current state into a fresh document, as after a restart and compaction.
    const reloaded = decodeState(encodeState(doc));
    restoreState(reloaded, old);
    expect(docText(reloaded)).toBe('the old text');
  });
});

describe('restoring one block', () => {
  it('restores an edited paragraph where it now stands, leaving the rest alone', () => {
    const doc = peer(1);
    write(doc, 'one', 'two', 'three');
    const v1 = encodeState(doc);
    textOf(doc, 1).insert(3, ' changed');
    textOf(doc, 2).insert(5, ' also changed');
    body(doc).insert(0, [element('paragraph', 'zero')]);
    expect(restoreBlock(doc, v1, 1)).toBe(true);
    expect(docText(doc)).toBe('zero\none\ntwo\nthree also changed');
  });

  it('puts a deleted paragraph back after its earlier neighbour', () => {
    const doc = peer(1);
    write(doc, 'one', 'two', 'three');
    const v1 = encodeState(doc);
    body(doc).delete(1, 1);
    write(doc, 'four');
    expect(restoreBlock(doc, v1, 1)).toBe(true);
    expect(docText(doc)).toBe('one\ntwo\nthree\nfour');
  });

  it('changes only that block, so its diff highlights that paragraph and no other, even next to empty lines', () => {
    // Empty lines as the editor leaves them: a paragraph holding an empty text.
    const emptyLine = (): Y.XmlElement => {
      const el = new Y.XmlElement('paragraph');
      el.insert(0, [new Y.XmlText('')]);
      return el;
    };
    const build = (doc: Y.Doc): void =>
      body(doc).push([
        ...['intro', 'gamma', 'the careful wording', 'gamma'].map((t) => element('paragraph', t)),
        emptyLine(),
        emptyLine(),
      ]);
    const blockOf = (merged: ReturnType<typeof diffStates>['doc'], from: number): string => {
      const node = schema.nodeFromJSON(merged);
      return node.child(node.resolve(from).index(0)).textContent;
    };

    // An edited paragraph: edited in place.
    const edited = peer(1);
    build(edited);
    const v1 = encodeState(edited);
    textOf(edited, 2).delete(4, 7);
    textOf(edited, 2).insert(4, 'hasty');
    body(edited).insert(6, [element('paragraph', 'outro')]);
    let before = encodeState(edited);
    expect(restoreBlock(edited, v1, 2)).toBe(true);
    let diff = diffStates(before, encodeState(edited));
    expect(diff.changes.map((c) => [c.type, c.text, blockOf(diff.doc, c.from)])).toEqual([
      ['removed', 'hasty', 'the hastycareful wording'],
      ['added', 'careful', 'the hastycareful wording'],
    ]);

    // A deleted paragraph between two alike: put back as one new paragraph, its neighbours untouched.
    const deleted = peer(2);
    Y.applyUpdate(deleted, v1);
    body(deleted).delete(2, 1);
    body(deleted).insert(5, [element('paragraph', 'outro')]);
    before = encodeState(deleted);
    expect(restoreBlock(deleted, v1, 2)).toBe(true);
    expect(docText(deleted)).toBe('intro\ngamma\nthe careful wording\ngamma\n\n\noutro');
    diff = diffStates(before, encodeState(deleted));
    expect(diff.changes.map((c) => [c.type, c.block, c.text])).toEqual([['added', true, 'the careful wording']]);
  });

  it('does nothing when the block is unchanged, and refuses a block the version lacks', () => {
    const doc = peer(1);
    write(doc, 'one');
    const v1 = encodeState(doc);
    expect(restoreBlock(doc, v1, 0)).toBe(false);
    expect(() => restoreBlock(doc, v1, 3)).toThrow(RangeError);
    expect(() => restoreBlock(doc, v1, -1)).toThrow(RangeError);
  });
});
