import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT, docText } from '@tandem/crdt-bridge';
import { restoreUpdate } from '@tandem/crdt-bridge/history';
import { undoableRestore } from './restoreUndo.js';

/** Stands for the editor's own changes (y-prosemirror's origin), which the undo manager tracks. */
const LOCAL = { source: 'local' };
/** Stands for the socket provider: a collaborator's change, not tracked. */
const REMOTE = { source: 'remote' };

function paragraph(text: string): Y.XmlElement {
  const el = new Y.XmlElement('paragraph');
  el.insert(0, [new Y.XmlText(text)]);
  return el;
}

/** A person's editor ("alpha", "beta"), a version of it, then "beta" deleted by that person. */
function setUp(): { doc: Y.Doc; undo: Y.UndoManager; version: Uint8Array } {
  const doc = new Y.Doc();
  const body = doc.getXmlFragment(CONTENT_FRAGMENT);
  const undo = new Y.UndoManager(body, { trackedOrigins: new Set([LOCAL]) });
  doc.transact(() => body.push([paragraph('alpha'), paragraph('beta')]), LOCAL);
  const version = Y.encodeStateAsUpdate(doc);
  undo.stopCapturing();
  doc.transact(() => ((body.get(1) as Y.XmlElement).get(0) as Y.XmlText).delete(0, 4), LOCAL);
  return { doc, undo, version };
}

const base64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));

describe('a restore in the undo history of whoever restored it', () => {
  for (const order of ['socket first', 'answer first'] as const) {
    it(`is undone in one step to exactly the document before it, nothing doubled (${order})`, async () => {
      const { doc, undo, version } = setUp();
      expect(docText(doc)).toBe('alpha\n');
      // The server computes the restore on its copy, under a client id of its own.
      const server = new Y.Doc();
      Y.applyUpdate(server, Y.encodeStateAsUpdate(doc));
      const update = restoreUpdate(Y.encodeStateAsUpdate(server), version)!;

      await undoableRestore(doc, undo, async () => {
        // The socket relays the restore like a collaborator's edit, usually before the HTTP answer.
        if (order === 'socket first') Y.applyUpdate(doc, update, REMOTE);
        return { update: base64(update) };
      });
      if (order === 'answer first') Y.applyUpdate(doc, update, REMOTE);
      expect(docText(doc)).toBe('alpha\nbeta');

      undo.undo();
      expect(docText(doc)).toBe('alpha\n');
      undo.redo();
      expect(docText(doc)).toBe('alpha\nbeta');
      undo.undo();
      // The person's own earlier step (deleting "beta") is next, and undoes cleanly.
      undo.undo();
      expect(docText(doc)).toBe('alpha\nbeta');
    });
  }

  it('without it, undo would replay the earlier step over the restored text and double it', () => {
    const { doc, undo, version } = setUp();
    Y.applyUpdate(doc, restoreUpdate(Y.encodeStateAsUpdate(doc), version)!, REMOTE);
    undo.undo();
    expect(docText(doc)).toBe('alpha\nbetabeta');
  });
});

describe('a restore whose deletions have not arrived over the socket yet', () => {
  /** Two paragraphs, and an update that only deletes the second (no structs of its own). */
  function deletionOnly(): { doc: Y.Doc; update: Uint8Array } {
    const doc = new Y.Doc();
    doc.getXmlFragment(CONTENT_FRAGMENT).push([paragraph('alpha'), paragraph('beta')]);
    const server = new Y.Doc();
    Y.applyUpdate(server, Y.encodeStateAsUpdate(doc));
    const before = Y.encodeStateVector(server);
    server.getXmlFragment(CONTENT_FRAGMENT).delete(1, 1);
    return { doc, update: Y.encodeStateAsUpdate(server, before) };
  }

  it('is in the document once the restore has answered, with an undo manager', async () => {
    const { doc, update } = deletionOnly();
    const undo = new Y.UndoManager(doc.getXmlFragment(CONTENT_FRAGMENT), { trackedOrigins: new Set([LOCAL]) });
    await undoableRestore(doc, undo, () => Promise.resolve({ update: base64(update) }));
    expect(docText(doc)).toBe('alpha');
    undo.undo();
    expect(docText(doc)).toBe('alpha\nbeta');
  });

  it('is in the document once the restore has answered, without one', async () => {
    const { doc, update } = deletionOnly();
    await undoableRestore(doc, null, () => Promise.resolve({ update: base64(update) }));
    expect(docText(doc)).toBe('alpha');
  });
});
