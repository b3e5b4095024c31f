import { describe, expect, it } from 'vitest';
import { initProseMirrorDoc, prosemirrorToYXmlFragment } from 'y-prosemirror';
import * as Y from 'yjs';
import { schema } from '@tandem/crdt-bridge';
import { anchorInFragment, resolveInFragment, type NodeMapping } from './anchors.js';

/** A shared document holding one paragraph per line, and a second client kept in step with it. */
function twoClients(lines: string[]): { a: Y.Doc; b: Y.Doc } {
  const a = new Y.Doc();
  const doc = schema.node(
    'doc',
    null,
    lines.map((line) => schema.node('paragraph', null, line ? [schema.text(line)] : [])),
  );
  prosemirrorToYXmlFragment(doc, a.getXmlFragment('prosemirror'));
  const b = new Y.Doc();
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  a.on('update', (u: Uint8Array) => Y.applyUpdate(b, u));
  b.on('update', (u: Uint8Array) => Y.applyUpdate(a, u));
  return { a, b };
}

/** The ProseMirror view of `doc` now, with the node mapping y-prosemirror would hold. */
function view(doc: Y.Doc) {
  const type = doc.getXmlFragment('prosemirror');
  const { doc: pm, mapping } = initProseMirrorDoc(type, schema);
  return { type, pm, mapping: mapping as NodeMapping };
}

/** The text of the first paragraph's Y.XmlText, to edit as another person would. */
function firstText(doc: Y.Doc): Y.XmlText {
  return (doc.getXmlFragment('prosemirror').get(0) as Y.XmlElement).get(0) as Y.XmlText;
}

function quoteOf(pm: ReturnType<typeof view>['pm'], range: { from: number; to: number } | null): string {
  return range ? pm.textBetween(range.from, range.to) : '<nowhere>';
}

describe('comment anchors', () => {
  it('keep covering their text while someone else types before and inside it', () => {
    const { a, b } = twoClients(['Intro. The quick fox. End.', 'Second line']);
    const before = view(a);
    const from = before.pm.textContent.indexOf('The') + 1;
    const anchor = anchorInFragment(before.type, before.mapping, from, from + 'The quick fox.'.length);
    expect(quoteOf(before.pm, resolveInFragment(a, before.type, before.mapping, anchor, before.pm.content.size))).toBe(
      'The quick fox.',
    );

    // The other client types inside the sentence and before it.
    const text = firstText(b);
    text.insert('Intro. The quick'.length, ' brown');
    text.insert(0, 'Opening. ');

    const after = view(a);
    const range = resolveInFragment(a, after.type, after.mapping, anchor, after.pm.content.size);
    expect(after.pm.textContent).toContain('Opening. Intro. The quick brown fox. End.');
    expect(quoteOf(after.pm, range)).toBe('The quick brown fox.');
  });

  it('collapse to one place when their text is deleted', () => {
    const { a, b } = twoClients(['Keep this. Remove me. Keep that.']);
    const before = view(a);
    const from = 1 + 'Keep this. '.length;
    const anchor = anchorInFragment(before.type, before.mapping, from, from + 'Remove me.'.length);
    firstText(b).delete('Keep this. '.length, 'Remove me.'.length);
    const after = view(a);
    const range = resolveInFragment(a, after.type, after.mapping, anchor, after.pm.content.size);
    expect(range).not.toBeNull();
    expect(range!.from).toBe(range!.to);
  });

  it('survive the trip through JSON, as stored in the comments map', () => {
    const { a } = twoClients(['Stored anchors']);
    const v = view(a);
    const anchor = JSON.parse(JSON.stringify(anchorInFragment(v.type, v.mapping, 1, 7))) as {
      start: unknown;
      end: unknown;
    };
    expect(quoteOf(v.pm, resolveInFragment(a, v.type, v.mapping, anchor, v.pm.content.size))).toBe('Stored');
  });
});
