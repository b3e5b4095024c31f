import { describe, expect, it } from 'vitest';
import { htmlPage, toHtml } from './html.js';
import { parseMarkdown } from './markdown.js';
import { schema } from './schema.js';

describe('tables in HTML export', () => {
  it('renders a table with header and body cells, spans and widths', () => {
    const { nodes: n } = schema;
    const p = (text: string) => n.paragraph!.create(null, schema.text(text));
    const doc = n.doc!.create(
      null,
      n.table!.create(null, [
        n.table_row!.create(null, [n.table_header!.create(null, p('a<b')), n.table_header!.create(null, p('b'))]),
        n.table_row!.create(null, n.table_cell!.create({ colspan: 2, colwidth: [100, 120] }, p('wide'))),
      ]),
    );
    expect(toHtml(doc)).toBe(
      '<table><tbody><tr><th><p>a&lt;b</p></th><th><p>b</p></th></tr>' +
        '<tr><td colspan="2" data-colwidth="100,120"><p>wide</p></td></tr></tbody></table>',
    );
  });

  it('styles tables in the exported page', () => {
    const page = htmlPage('T', toHtml(parseMarkdown('| a |\n| - |\n| b |')));
    expect(page).toContain('<th><p>a</p></th>');
    expect(page).toMatch(/td,th\{border:1px solid/);
  });
});
