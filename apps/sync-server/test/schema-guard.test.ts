import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { docFromY, schema, yUpdateFromDoc, type AckResult } from '@tandem/crdt-bridge';
import { startTestServer, waitFor, type TestServer } from './helpers.js';

let ts: TestServer;
afterEach(async () => ts?.stop({ wipe: true }));

/** Two sessions on one document: Ana (well behaved) and a second client whose edits we craft. */
async function pair(docId: string) {
  const ana = ts.client().open(docId);
  const other = ts.client();
  const mallory = other.open(docId);
  await Promise.all([ana.whenSynced(), mallory.whenSynced()]);
  const refusals: AckResult[] = [];
  const original = other.socket.emit.bind(other.socket);
  // Watch the acks Mallory's session receives, without changing what it sends.
  other.socket.emit = ((event: string, ...args: unknown[]) => {
    const ack = args[args.length - 1];
    if (event === 'sync' && typeof ack === 'function') {
      args[args.length - 1] = (result: AckResult) => {
        if (!result.ok) refusals.push(result);
        (ack as (r: AckResult) => void)(result);
      };
    }
    return original(event as 'sync', ...(args as [string, Uint8Array, (r: AckResult) => void]));
  }) as typeof other.socket.emit;
  return { ana, mallory, refusals };
}

describe('the server refuses content that violates the schema', () => {
  it('accepts a document using every node and mark', async () => {
    ts = await startTestServer();
    const { ana, mallory, refusals } = await pair('ok');
    const { nodes: n, marks: m } = schema;
    const doc = n.doc!.create(null, [
      n.heading!.create({ level: 2 }, schema.text('Hi', [m.bold!.create()])),
      n.task_list!.create(null, [
        n.task_item!.create(
          { checked: true },
          n.paragraph!.create(null, schema.text('x', [m.link!.create({ href: 'https://a.example/' })])),
        ),
      ]),
      n.code_block!.create(null, schema.text('code')),
    ]);
    Y.applyUpdate(mallory.doc, yUpdateFromDoc(doc));
    await mallory.whenSaved();
    expect(refusals).toEqual([]);
    await waitFor(() => docFromY(ana.doc).textContent === 'Hixcode', 'Ana receives it');
  });

  const cases: [string, (fragment: Y.XmlFragment) => void][] = [
    ['an unknown block', (f) => f.insert(0, [new Y.XmlElement('script')])],
    [
      'a heading inside a paragraph',
      (f) => {
        const p = new Y.XmlElement('paragraph');
        p.insert(0, [new Y.XmlElement('heading')]);
        f.insert(0, [p]);
      },
    ],
    ['text directly in the document', (f) => f.insert(0, [new Y.XmlText('loose')])],
    [
      'a heading of level 7',
      (f) => {
        const h = new Y.XmlElement('heading');
        h.setAttribute('level', 7 as unknown as string);
        f.insert(0, [h]);
      },
    ],
    [
      'a javascript: link',
      (f) => {
        const p = new Y.XmlElement('paragraph');
        const t = new Y.XmlText();
        p.insert(0, [t]);
        f.insert(0, [p]);
        t.insert(0, 'click', { link: { href: 'javascript:alert(1)' } });
      },
    ],
    [
      'an unknown mark',
      (f) => {
        const p = new Y.XmlElement('paragraph');
        const t = new Y.XmlText();
        p.insert(0, [t]);
        f.insert(0, [p]);
        t.insert(0, 'x', { blink: true });
      },
    ],
  ];

  for (const [what, write] of cases) {
    it(`refuses ${what}, leaving the others' document intact`, async () => {
      ts = await startTestServer();
      const { ana, mallory, refusals } = await pair('guarded');
      ana.doc.getXmlFragment('prosemirror').insert(0, [new Y.XmlElement('paragraph')]);
      await ana.whenSaved();
      await waitFor(() => mallory.doc.getXmlFragment('prosemirror').length === 1, 'Mallory has Ana’s paragraph');
      mallory.doc.transact(() => write(mallory.doc.getXmlFragment('prosemirror')));
      await waitFor(() => refusals.length > 0, 'the update is refused');
      expect(refusals[0]).toMatchObject({ ok: false, error: { code: 'SCHEMA_VIOLATION' } });
      // Ana's document is untouched and still valid; the server stored nothing of it.
      expect(ana.doc.getXmlFragment('prosemirror').length).toBe(1);
      expect(() => docFromY(ana.doc)).not.toThrow();
      const room = ts.server.registry.get('guarded')!;
      expect(() => docFromY(room.content())).not.toThrow();
    });
  }
});
