import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { CommentsJSON } from '@tandem/crdt-bridge/api';
import { createThread, putMessage, setThreadStatus } from '@tandem/crdt-bridge/comments';
import { startTestServer, type TestServer } from './helpers.js';
import { SECRET, firstText, message, person, seedUpdate, suggestion, tokenFor } from './commentRules.js';

let ts: TestServer;
afterEach(async () => ts?.stop({ wipe: true }));

const DOC = 'notes';

/**
 * A relative position's JSON at `index` of `type`, as a thread's anchor stores it; an end
 * sticks to the character before it (assoc -1), so text typed right after is not taken in.
 */
function at(type: Y.XmlText, index: number, assoc = 0): unknown {
  return Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(type, index, assoc));
}

async function comments(token: string): Promise<{ status: number; body: CommentsJSON }> {
  const response = await fetch(`${ts.url}/api/docs/${DOC}/comments`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as CommentsJSON };
}

describe('GET /api/docs/<id>/comments', () => {
  it('lists threads oldest first with the text each is on now, and says when it was deleted', async () => {
    ts = await startTestServer({ authSecret: SECRET });
    const owner = await tokenFor('Olga', DOC, 'owner');
    const olga = ts.client({ socket: { auth: { token: owner } } }).open(DOC);
    await olga.whenSynced();
    Y.applyUpdate(olga.doc, seedUpdate()); // "Hello world" and Olga's thread t1 about suggestion s0
    const text = firstText(olga.doc);
    createThread(olga.doc, {
      id: 't2',
      anchor: { start: at(text, 6), end: at(text, 11, -1) },
      suggestion: null,
      quote: 'world',
      message: message('m2', 'Olga', 'Which world?', 2_000),
    });
    createThread(olga.doc, {
      id: 't3',
      anchor: { start: at(text, 0), end: at(text, 5, -1) },
      suggestion: null,
      quote: 'Hello',
      message: message('m3', 'Olga', 'Too casual', 3_000),
    });
    putMessage(olga.doc, 't2', message('m4', 'Olga', 'The <b>real</b> one', 2_500));
    setThreadStatus(olga.doc, 't2', 'resolved', person('Olga'), 4_000);
    text.insert(11, '!', { insertion: suggestion('s0', 'Olga') });
    text.insert(6, 'wide ');
    text.delete(0, 6); // "Hello " goes: t3's text is deleted
    await olga.whenSaved();

    const viewer = await tokenFor('Vic', DOC, 'viewer');
    const { status, body } = await comments(viewer);
    expect(status).toBe(200);
    expect(body.threads.map((t) => t.id)).toEqual(['t1', 't2', 't3']);
    const [t1, t2, t3] = body.threads;
    expect(t1).toMatchObject({ suggestion: 's0', anchoredText: '!', deleted: false, status: 'open' });
    expect(t2).toMatchObject({
      quote: 'world',
      anchoredText: 'world',
      deleted: false,
      status: 'resolved',
      statusBy: person('Olga'),
      statusAt: 4_000,
      author: person('Olga'),
      createdAt: 2_000,
    });
    expect(t2!.messages.map((m) => m.text)).toEqual(['Which world?', 'The <b>real</b> one']);
    expect(t3).toMatchObject({ quote: 'Hello', anchoredText: null, deleted: true });
    expect(t3).not.toHaveProperty('anchor');
  });

  it('needs viewer access in token mode', async () => {
    ts = await startTestServer({ authSecret: SECRET });
    const outsider = await tokenFor('Nina', 'elsewhere', 'owner');
    const response = await fetch(`${ts.url}/api/docs/${DOC}/comments`, {
      headers: { authorization: `Bearer ${outsider}` },
    });
    expect(response.status).toBe(403);
  });
});
