import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { docFromY, type DocSession } from '@tandem/crdt-bridge';
import {
  commentsMap,
  createThread,
  deleteMessage,
  deleteThread,
  putMessage,
  readThreads,
  setThreadStatus,
} from '@tandem/crdt-bridge/comments';
import { META_MAP, TITLE_KEY } from '@tandem/crdt-bridge/schema';
import { MAX_REFUSED_TRIALS } from '../src/rooms/UpdatePolicy.js';
import { startTestServer, waitFor, type TestServer } from './helpers.js';
import {
  SECRET,
  firstText,
  handClient,
  message,
  person,
  seedUpdate,
  suggestion,
  tokenFor,
  type HandClient,
} from './commentRules.js';
import type { Role } from '@tandem/crdt-bridge';

let ts: TestServer;
afterEach(async () => ts?.stop({ wipe: true }));

const DOC = 'review';

/** A token-mode server holding the seed document, Olga (owner) watching it, and a hand client per role asked for. */
async function setup(...roles: [string, Role][]): Promise<{ olga: DocSession; hands: Record<string, HandClient> }> {
  ts = await startTestServer({ authSecret: SECRET });
  const olga = ts.client({ socket: { auth: { token: await tokenFor('Olga', DOC, 'owner') } } }).open(DOC);
  await olga.whenSynced();
  Y.applyUpdate(olga.doc, seedUpdate());
  await olga.whenSaved();
  const hands: Record<string, HandClient> = {};
  for (const [name, role] of roles) hands[name] = await handClient(ts, DOC, await tokenFor(name, DOC, role));
  return { olga, hands };
}

function serverDoc(): Y.Doc {
  return ts.server.registry.get(DOC)!.content();
}

function bodyText(doc: Y.Doc): string {
  return docFromY(doc).textContent;
}

const FORBIDDEN = { ok: false, error: { code: 'FORBIDDEN' } };

describe('a commenter’s body changes', () => {
  it('refuses plain text: nothing applied, and the others get nothing of it', async () => {
    const { olga, hands } = await setup(['Carl', 'commenter']);
    const result = await hands.Carl!.send((doc) => firstText(doc).insert(5, ' cruel'));
    expect(result).toMatchObject(FORBIDDEN);
    expect(bodyText(serverDoc())).toBe('Hello world');
    // The next (allowed) change reaches Olga; the refused one never did.
    expect(
      await hands.Carl!.send((doc) => firstText(doc).insert(11, '!', { insertion: suggestion('s1', 'Carl') })),
    ).toEqual({ ok: true });
    await waitFor(() => bodyText(olga.doc) === 'Hello world!', 'Olga gets the suggestion');
    expect(bodyText(serverDoc())).toBe('Hello world!');
  });

  it('accepts text marked as their own insertion and relays it', async () => {
    const { olga, hands } = await setup(['Carl', 'commenter']);
    const result = await hands.Carl!.send((doc) =>
      firstText(doc).insert(5, ' there', { insertion: suggestion('s1', 'Carl') }),
    );
    expect(result).toEqual({ ok: true });
    await waitFor(() => bodyText(olga.doc) === 'Hello there world', 'Olga gets the suggestion');
    const marked = firstText(olga.doc).toDelta() as { insert: string; attributes?: Record<string, unknown> }[];
    expect(marked.find((op) => op.insert === ' there')?.attributes).toEqual({ insertion: suggestion('s1', 'Carl') });
  });

  it('refuses an insertion in someone else’s name', async () => {
    const { hands } = await setup(['Carl', 'commenter']);
    const result = await hands.Carl!.send((doc) =>
      firstText(doc).insert(5, ' there', { insertion: suggestion('s1', 'Olga') }),
    );
    expect(result).toMatchObject(FORBIDDEN);
    expect(bodyText(serverDoc())).toBe('Hello world');
  });

  it('accepts their deletion mark on existing text, and taking it off again', async () => {
    const { hands } = await setup(['Carl', 'commenter']);
    expect(
      await hands.Carl!.send((doc) => firstText(doc).format(0, 5, { deletion: suggestion('s2', 'Carl') })),
    ).toEqual({ ok: true });
    expect(firstText(serverDoc()).toDelta()[0]).toEqual({
      insert: 'Hello',
      attributes: { deletion: suggestion('s2', 'Carl') },
    });
    expect(await hands.Carl!.send((doc) => firstText(doc).format(0, 5, { deletion: null }))).toEqual({ ok: true });
    expect(firstText(serverDoc()).toDelta()).toEqual([{ insert: 'Hello world' }]);
  });

  it('refuses deleting text that is not their own suggestion, and accepts removing their own', async () => {
    const { hands } = await setup(['Carl', 'commenter']);
    expect(await hands.Carl!.send((doc) => firstText(doc).delete(0, 6))).toMatchObject(FORBIDDEN);
    expect(bodyText(serverDoc())).toBe('Hello world');
    await hands.Carl!.send((doc) => firstText(doc).insert(11, ' again', { insertion: suggestion('s3', 'Carl') }));
    expect(bodyText(serverDoc())).toBe('Hello world again');
    expect(await hands.Carl!.send((doc) => firstText(doc).delete(11, 6))).toEqual({ ok: true });
    expect(bodyText(serverDoc())).toBe('Hello world');
  });

  it('refuses formatting, new blocks and someone else’s deletion mark', async () => {
    const { hands } = await setup(['Carl', 'commenter']);
    expect(await hands.Carl!.send((doc) => firstText(doc).format(0, 5, { bold: true }))).toMatchObject(FORBIDDEN);
    expect(
      await hands.Carl!.send((doc) => {
        const p = new Y.XmlElement('paragraph');
        doc.getXmlFragment('prosemirror').insert(1, [p]);
      }),
    ).toMatchObject(FORBIDDEN);
    expect(
      await hands.Carl!.send((doc) => firstText(doc).format(0, 5, { deletion: suggestion('s4', 'Olga') })),
    ).toMatchObject(FORBIDDEN);
    expect(firstText(serverDoc()).toDelta()).toEqual([{ insert: 'Hello world' }]);
    expect(serverDoc().getXmlFragment('prosemirror').length).toBe(1);
  });

  it('after many refused changes, refuses the sender’s next ones untried until they rejoin', async () => {
    const { hands } = await setup(['Carl', 'commenter']);
    for (let i = 0; i < MAX_REFUSED_TRIALS; i++)
      expect(await hands.Carl!.send((doc) => firstText(doc).insert(0, 'x'))).toMatchObject(FORBIDDEN);
    const own = (doc: Y.Doc) => firstText(doc).insert(11, '!', { insertion: suggestion('s1', 'Carl') });
    expect(await hands.Carl!.send(own)).toMatchObject(FORBIDDEN);
    expect(bodyText(serverDoc())).toBe('Hello world');
    const again = await handClient(ts, DOC, await tokenFor('Carl', DOC, 'commenter'));
    expect(await again.send(own)).toEqual({ ok: true });
  });

  it('asks again for an update that builds on unknown changes, applying none of it and not counting it as refused', async () => {
    const { hands } = await setup(['Carl', 'commenter']);
    for (let i = 0; i <= MAX_REFUSED_TRIALS; i++) {
      const result = await hands.Carl!.send((doc) => {
        // The first change never reaches the server; the second (sent) builds on it.
        const unsent = new Y.Doc();
        Y.applyUpdate(unsent, Y.encodeStateAsUpdate(doc));
        firstText(unsent).insert(11, '!', { insertion: suggestion('s1', 'Carl') });
        Y.applyUpdate(doc, Y.encodeStateAsUpdate(unsent), 'unsent');
        firstText(doc).insert(0, 'plain ');
        firstText(doc).insert(firstText(doc).length, '?', { insertion: suggestion('s1', 'Carl') });
      });
      expect(result, JSON.stringify(result)).toMatchObject({ ok: false, error: { code: 'MISSING_DEPENDENCIES' } });
    }
    expect(bodyText(serverDoc())).toBe('Hello world');
    expect(
      await hands.Carl!.send((doc) => firstText(doc).insert(11, '!', { insertion: suggestion('s1', 'Carl') })),
    ).toEqual({ ok: true });
  });

  it('refuses the title and other root types', async () => {
    const { hands } = await setup(['Carl', 'commenter']);
    expect(await hands.Carl!.send((doc) => doc.getMap(META_MAP).set(TITLE_KEY, 'Mine now'))).toMatchObject(FORBIDDEN);
    expect(await hands.Carl!.send((doc) => doc.getText('elsewhere').insert(0, 'x'))).toMatchObject(FORBIDDEN);
    expect(serverDoc().getMap(META_MAP).get(TITLE_KEY)).toBeUndefined();
    expect(serverDoc().share.has('elsewhere')).toBe(false);
  });
});

describe('the shadow copy', () => {
  it('follows everyone’s changes, so a commenter can suggest in text an editor just wrote', async () => {
    const { olga, hands } = await setup(['Carl', 'commenter'], ['Eddie', 'editor']);
    // The first trial makes the shadow; everything after must reach it.
    expect(
      await hands.Carl!.send((doc) => firstText(doc).format(0, 5, { deletion: suggestion('s1', 'Carl') })),
    ).toEqual({ ok: true });
    expect(await hands.Eddie!.send((doc) => firstText(doc).insert(11, ' and more'))).toEqual({ ok: true });
    firstText(olga.doc).insert(0, '> ');
    await olga.whenSaved();
    expect(
      await hands.Carl!.send((doc) =>
        firstText(doc).insert(firstText(doc).length, '?', { insertion: suggestion('s2', 'Carl') }),
      ),
    ).toEqual({ ok: true });
    expect(await hands.Carl!.send((doc) => firstText(doc).delete(0, 2))).toMatchObject(FORBIDDEN);
    // Refused: the shadow was dropped; the next trial makes a new one from the room's document.
    expect(await hands.Carl!.send((doc) => firstText(doc).format(2, 5, { deletion: null }))).toEqual({ ok: true });
    expect(bodyText(serverDoc())).toBe('> Hello world and more?');
    expect(firstText(serverDoc()).toDelta()).toEqual([
      { insert: '> Hello world and more' },
      { insert: '?', attributes: { insertion: suggestion('s2', 'Carl') } },
    ]);
  });
});

describe('the shadow of a large document', () => {
  it('is made in parts, and then judges like any other', async () => {
    const { olga, hands } = await setup(['Carl', 'commenter']);
    olga.doc.getXmlFragment('prosemirror').insert(
      1,
      Array.from({ length: 3_000 }, (_, i) => {
        const p = new Y.XmlElement('paragraph');
        p.insert(0, [new Y.XmlText(`paragraph ${i}`)]);
        return p;
      }),
    );
    await olga.whenSaved();
    const last = (doc: Y.Doc) => (doc.getXmlFragment('prosemirror').get(3_000) as Y.XmlElement).get(0) as Y.XmlText;
    expect(
      await hands.Carl!.send((doc) => last(doc).insert(0, 'new ', { insertion: suggestion('s1', 'Carl') })),
    ).toEqual({ ok: true });
    expect(await hands.Carl!.send((doc) => last(doc).insert(0, 'plain '))).toMatchObject(FORBIDDEN);
    expect(await hands.Carl!.send((doc) => last(doc).delete(0, 4))).toEqual({ ok: true });
    expect(last(serverDoc()).toString()).toBe('paragraph 2999');
  });
});

describe('comment threads', () => {
  it('lets a commenter open a thread, reply and resolve', async () => {
    const { olga, hands } = await setup(['Carl', 'commenter']);
    const carl = hands.Carl!;
    expect(
      await carl.send((doc) =>
        createThread(doc, {
          id: 't2',
          anchor: null,
          suggestion: 's9',
          quote: 'world',
          message: message('m2', 'Carl', 'Hm'),
        }),
      ),
    ).toEqual({ ok: true });
    expect(await carl.send((doc) => putMessage(doc, 't1', message('m3', 'Carl', 'Yes', 2_000)))).toEqual({ ok: true });
    expect(await carl.send((doc) => setThreadStatus(doc, 't1', 'resolved', person('Carl'), 3_000))).toEqual({
      ok: true,
    });
    expect(
      await carl.send((doc) => putMessage(doc, 't2', { ...message('m2', 'Carl', 'Hmm'), editedAt: 4_000 })),
    ).toEqual({
      ok: true,
    });
    await waitFor(() => readThreads(olga.doc).length === 2, 'Olga sees both threads');
    const [t1, t2] = readThreads(serverDoc());
    expect(t1).toMatchObject({ id: 't1', status: 'resolved', statusBy: person('Carl') });
    expect(t1!.messages.map((m) => m.text)).toEqual(['Is this right?', 'Yes']);
    expect(t2!.messages[0]).toMatchObject({ text: 'Hmm', editedAt: 4_000 });
  });

  it('refuses forged authors, edits of someone else’s message and changes to fixed fields', async () => {
    const { hands } = await setup(['Carl', 'commenter'], ['Eddie', 'editor']);
    const cases: [string, (doc: Y.Doc) => void][] = [
      [
        'a thread in Olga’s name',
        (doc) =>
          createThread(doc, {
            id: 't2',
            anchor: null,
            suggestion: 's9',
            quote: 'x',
            message: message('m2', 'Olga', 'Hi'),
          }),
      ],
      ['a reply in Olga’s name', (doc) => putMessage(doc, 't1', message('m2', 'Olga', 'Hi', 2_000))],
      ['editing Olga’s message', (doc) => putMessage(doc, 't1', { ...message('m1', 'Olga', 'Changed'), editedAt: 5 })],
      ['deleting Olga’s message', (doc) => deleteMessage(doc, 't1', 'm1')],
      ['deleting Olga’s thread', (doc) => deleteThread(doc, 't1')],
      ['resolving in Olga’s name', (doc) => setThreadStatus(doc, 't1', 'resolved', person('Olga'), 5)],
      ['changing the quote', (doc) => commentsMap(doc).get('t1')!.set('quote', 'Goodbye')],
    ];
    for (const who of ['Carl', 'Eddie']) {
      for (const [what, change] of cases) {
        expect(await hands[who]!.send(change), `${who}: ${what}`).toMatchObject(FORBIDDEN);
      }
    }
    const [t1] = readThreads(serverDoc());
    expect(t1).toMatchObject({ quote: 'Hello', status: 'open' });
    expect(t1!.messages).toEqual([message('m1', 'Olga', 'Is this right?')]);
    expect(readThreads(serverDoc())).toHaveLength(1);
  });

  it('checks the comments in a large update (applied in parts) too', async () => {
    const { hands } = await setup(['Eddie', 'editor']);
    const result = await hands.Eddie!.send((doc) => {
      const blocks = Array.from({ length: 3_000 }, (_, i) => {
        const p = new Y.XmlElement('paragraph');
        p.insert(0, [new Y.XmlText(`pasted paragraph number ${i} with some words in it`)]);
        return p;
      });
      doc.getXmlFragment('prosemirror').insert(1, blocks);
      putMessage(doc, 't1', message('m9', 'Olga', 'Not really Olga', 2_000));
    });
    expect(result).toMatchObject(FORBIDDEN);
    expect(serverDoc().getXmlFragment('prosemirror').length).toBe(1);
    expect(readThreads(serverDoc())[0]!.messages).toHaveLength(1);
    expect(
      await hands.Eddie!.send((doc) =>
        doc.getXmlFragment('prosemirror').insert(
          1,
          Array.from({ length: 3_000 }, () => new Y.XmlElement('paragraph')),
        ),
      ),
    ).toEqual({ ok: true });
  });

  it('lets an owner delete anyone’s message and thread, and an author their own thread', async () => {
    const { hands } = await setup(['Carl', 'commenter'], ['Owen', 'owner']);
    await hands.Carl!.send((doc) => putMessage(doc, 't1', message('m2', 'Carl', 'Mine', 2_000)));
    expect(await hands.Owen!.send((doc) => deleteMessage(doc, 't1', 'm2'))).toEqual({ ok: true });
    expect(readThreads(serverDoc())[0]!.messages.map((m) => m.id)).toEqual(['m1']);
    await hands.Carl!.send((doc) =>
      createThread(doc, { id: 't2', anchor: null, suggestion: 's9', quote: 'x', message: message('m3', 'Carl', 'Hi') }),
    );
    expect(await hands.Carl!.send((doc) => deleteThread(doc, 't2'))).toEqual({ ok: true });
    expect(await hands.Owen!.send((doc) => deleteThread(doc, 't1'))).toEqual({ ok: true });
    expect(readThreads(serverDoc())).toEqual([]);
  });

  it('refuses comment values that are not comments, whoever sends them', async () => {
    const { hands } = await setup(['Owen', 'owner']);
    const result = await hands.Owen!.send((doc) => putMessage(doc, 't1', { ...message('m2', 'Owen', ''), text: '' }));
    expect(result).toMatchObject({ ok: false, error: { code: 'SCHEMA_VIOLATION' } });
    expect(await hands.Owen!.send((doc) => commentsMap(doc).set('junk', new Y.Map()))).toMatchObject({
      ok: false,
      error: { code: 'SCHEMA_VIOLATION' },
    });
    expect(
      await hands.Owen!.send((doc) => {
        createThread(doc, {
          id: 't2',
          anchor: null,
          suggestion: 's9',
          quote: 'x',
          message: message('m3', 'Owen', 'Hi'),
        });
        commentsMap(doc).get('t2')!.set('extra', 'x'.repeat(1000));
      }),
    ).toMatchObject({ ok: false, error: { code: 'SCHEMA_VIOLATION' } });
    expect([...commentsMap(serverDoc()).keys()]).toEqual(['t1']);
  });

  it('refuses a viewer’s comment', async () => {
    const { hands } = await setup(['Vic', 'viewer']);
    expect(await hands.Vic!.send((doc) => putMessage(doc, 't1', message('m2', 'Vic', 'Hi', 2_000)))).toMatchObject(
      FORBIDDEN,
    );
    expect(readThreads(serverDoc())[0]!.messages).toHaveLength(1);
  });

  it('lets an editor change the body freely, accepting someone’s suggestion', async () => {
    const { hands } = await setup(['Carl', 'commenter'], ['Eddie', 'editor']);
    await hands.Carl!.send((doc) => firstText(doc).insert(11, '!', { insertion: suggestion('s1', 'Carl') }));
    expect(await hands.Eddie!.send((doc) => firstText(doc).format(11, 1, { insertion: null }))).toEqual({ ok: true });
    expect(await hands.Eddie!.send((doc) => firstText(doc).insert(0, 'Oh, '))).toEqual({ ok: true });
    expect(firstText(serverDoc()).toDelta()).toEqual([{ insert: 'Oh, Hello world!' }]);
  });
});

describe('suggestion marks and the schema', () => {
  it('refuses suggestion marks whose attributes are not valid, from anyone', async () => {
    const { hands } = await setup(['Owen', 'owner']);
    const bad = { ...suggestion('s1', 'Owen'), color: 'red' };
    expect(await hands.Owen!.send((doc) => firstText(doc).insert(0, 'x', { insertion: bad }))).toMatchObject({
      ok: false,
      error: { code: 'SCHEMA_VIOLATION' },
    });
    expect(await hands.Owen!.send((doc) => firstText(doc).format(0, 1, { deletion: { id: 's1' } }))).toMatchObject({
      ok: false,
      error: { code: 'SCHEMA_VIOLATION' },
    });
    expect(bodyText(serverDoc())).toBe('Hello world');
  });

  it('checks a commenter’s change deep inside a later block too', async () => {
    const { olga, hands } = await setup(['Carl', 'commenter']);
    const list = new Y.XmlElement('bullet_list');
    const item = new Y.XmlElement('list_item');
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText('nested')]);
    item.insert(0, [p]);
    list.insert(0, [item]);
    olga.doc.getXmlFragment('prosemirror').insert(1, [list]);
    await olga.whenSaved();
    const nested = (doc: Y.Doc) =>
      (((doc.getXmlFragment('prosemirror').get(1) as Y.XmlElement).get(0) as Y.XmlElement).get(0) as Y.XmlElement).get(
        0,
      ) as Y.XmlText;
    expect(await hands.Carl!.send((doc) => nested(doc).insert(0, 'un'))).toMatchObject(FORBIDDEN);
    expect(
      await hands.Carl!.send((doc) => nested(doc).insert(0, 'un', { insertion: suggestion('s1', 'Carl') })),
    ).toEqual({ ok: true });
    expect(bodyText(serverDoc())).toBe('Hello worldunnested');
  });
});

describe('open mode', () => {
  it('takes anyone’s comments in any name, but still only well-formed ones', async () => {
    ts = await startTestServer();
    const session = ts.client().open(DOC);
    await session.whenSynced();
    Y.applyUpdate(session.doc, seedUpdate());
    await session.whenSaved();
    putMessage(session.doc, 't1', message('m2', 'Somebody', 'Reply', 2_000));
    deleteMessage(session.doc, 't1', 'm1');
    await session.whenSaved();
    expect(readThreads(serverDoc())[0]!.messages.map((m) => m.id)).toEqual(['m2']);
    commentsMap(session.doc).set('junk', new Y.Map());
    await waitFor(() => session.status.error?.code === 'SCHEMA_VIOLATION', 'the bad comment is refused');
    expect(commentsMap(serverDoc()).has('junk')).toBe(false);
  });
});
