import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from '@tandem/crdt-bridge/schema';
import { decodeWholeV1Update } from './v1Update.js';
import { schemaViolation } from './schemaGuard.js';

type Attrs = Record<string, unknown>;

/** A Y.XmlElement named `name` with `attrs` and `children`, as a hostile client could build it. */
function el(name: string, attrs: Attrs = {}, children: (Y.XmlElement | Y.XmlText)[] = []): Y.XmlElement {
  const element = new Y.XmlElement(name);
  // Yjs stores any JSON value; y-prosemirror's typing of attributes as strings is not enforced.
  for (const [key, value] of Object.entries(attrs)) element.setAttribute(key, value as string);
  element.insert(0, children);
  return element;
}
const para = (text: string): Y.XmlElement => el('paragraph', {}, [new Y.XmlText(text)]);
const cell = (attrs: Attrs = {}): Y.XmlElement => el('table_cell', attrs, [para('cell')]);
const table = (...cells: Y.XmlElement[]): Y.XmlElement => el('table', {}, [el('table_row', {}, cells)]);

/** What the guard says of one update that adds a good paragraph and then `blocks` to an empty document. */
function verdict(...blocks: Y.XmlElement[]): string | null {
  const client = new Y.Doc();
  client.getXmlFragment(CONTENT_FRAGMENT).insert(0, [para('fine'), ...blocks]);
  const { structs } = decodeWholeV1Update(Y.encodeStateAsUpdate(client));
  return schemaViolation(new Y.Doc(), structs);
}

describe('the schema guard on tables', () => {
  it('lets a sound table through: header and body cells, spans and column widths', () => {
    const header = el('table_header', { colspan: 1, rowspan: 1 }, [para('h')]);
    const wide = cell({ colspan: 2, rowspan: 1, colwidth: [120, 80] });
    const doc = el('table', {}, [
      el('table_row', {}, [header, el('table_header', {}, [para('h2')])]),
      el('table_row', {}, [wide]),
    ]);
    expect(verdict(doc)).toBeNull();
  });

  it('refuses, whole, a table row directly in the document', () => {
    expect(verdict(el('table_row', {}, [cell()]))).not.toBeNull();
  });

  it('refuses, whole, a paragraph directly in a table', () => {
    expect(verdict(el('table', {}, [para('loose')]))).not.toBeNull();
  });

  it('refuses, whole, a cell directly in a table, and a paragraph directly in a row', () => {
    expect(verdict(el('table', {}, [cell()]))).not.toBeNull();
    expect(verdict(el('table', {}, [el('table_row', {}, [para('loose')])]))).not.toBeNull();
  });

  for (const colspan of [0, 51, 1.5, '2', -1, null]) {
    it(`refuses, whole, a cell with colspan ${JSON.stringify(colspan)}`, () => {
      expect(verdict(table(cell({ colspan })))).toMatch(/colspan/);
    });
  }

  it('refuses, whole, a rowspan out of range', () => {
    expect(verdict(table(cell({ rowspan: 51 })))).toMatch(/rowspan/);
  });

  for (const colwidth of [['100'], '100', [0], [100, 'x'], [], Array.from({ length: 51 }, () => 10)]) {
    it(`refuses, whole, a cell with colwidth ${JSON.stringify(colwidth).slice(0, 40)}`, () => {
      expect(verdict(table(cell({ colwidth })))).toMatch(/width/);
    });
  }
});
