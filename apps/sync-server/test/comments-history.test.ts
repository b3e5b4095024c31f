import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { CommentsJSON } from '@tandem/crdt-bridge/api';
import { createThread, readThreads } from '@tandem/crdt-bridge/comments';
import { isRefusal } from '../src/history/outcomes.js';
import { unpackState } from '../src/storage/rowCodec.js';
import { startTestServer, type TestServer } from './helpers.js';
import { addParagraph, call, nameVersion, paragraphText, person, textOf } from './historyHelpers.js';
import { message, seedUpdate } from './commentRules.js';

let ts: TestServer;
afterEach(async () => ts?.stop({ wipe: true }));

const DOC = 'minutes';

describe('comments and history', () => {
  it('a version holds the threads of its time; restoring it keeps the threads opened since, on deleted text', async () => {
    ts = await startTestServer();
    const alice = await person(ts, DOC, 'Alice');
    Y.applyUpdate(alice.doc, seedUpdate()); // "Hello world" and thread t1
    await alice.session.whenSaved();
    const v1 = await nameVersion(ts, DOC, 'before review');

    const stored = await ts.server.history.version(DOC, v1.id);
    if (isRefusal(stored)) throw new Error(stored.message);
    const versionDoc = new Y.Doc();
    Y.applyUpdate(versionDoc, unpackState(stored.packed));
    expect(readThreads(versionDoc).map((t) => t.id)).toEqual(['t1']);

    addParagraph(alice.doc, 'a later paragraph');
    const later = paragraphText(alice.doc, 1);
    createThread(alice.doc, {
      id: 't2',
      anchor: {
        start: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(later, 2)),
        end: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(later, 7, -1)),
      },
      suggestion: null,
      quote: 'later',
      message: message('m2', 'Alice', 'Why later?', 2_000),
    });
    await alice.session.whenSaved();

    const restored = await call(ts, `/api/docs/${DOC}/versions/${v1.id}/restore`, { method: 'POST', body: {} });
    expect(restored.status).toBe(200);
    const live = ts.server.registry.get(DOC)!.content();
    expect(textOf(live)).toBe('Hello world');
    expect(readThreads(live).map((t) => t.id)).toEqual(['t1', 't2']);
    const { body } = await call<CommentsJSON>(ts, `/api/docs/${DOC}/comments`);
    expect(body.threads.find((t) => t.id === 't2')).toMatchObject({
      quote: 'later',
      anchoredText: null,
      deleted: true,
    });
  });
});
