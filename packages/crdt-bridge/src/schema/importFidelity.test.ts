import type { Node as PMNode } from 'prosemirror-model';
import { describe, expect, it } from 'vitest';
import { importSentence } from './importReport.js';
import { toHtml } from './html.js';
import { parseMarkdown, parseMarkdownWithReport, toMarkdown } from './markdown.js';

/** The node types of `doc` in document order, with their attrs where they have any that matter here. */
function shape(doc: PMNode): string[] {
  const out: string[] = [];
  doc.descendants((node) => {
    if (node.isText) return false;
    const attrs = node.type.name === 'code_block' ? `(${String(node.attrs.language)})` : '';
    out.push(`${node.type.name}${attrs}`);
    return true;
  });
  return out;
}

/** Asserts that exporting `doc` and importing it again gives `doc` back, with nothing to report. */
function expectStable(doc: PMNode): void {
  const again = parseMarkdownWithReport(toMarkdown(doc));
  expect(again.doc.toJSON()).toEqual(doc.toJSON());
  expect(again.report).toEqual({});
}

describe('Markdown import: code blocks', () => {
  it('keeps a fence’s language, in lowercase, and the export writes it back', () => {
    const { doc, report } = parseMarkdownWithReport('```TypeScript\nlet a = 1;\n```\n');
    expect(shape(doc)).toEqual(['code_block(typescript)']);
    expect(doc.textContent).toBe('let a = 1;');
    expect(report).toEqual({});
    expect(toMarkdown(doc)).toBe('```typescript\nlet a = 1;\n```');
    expectStable(doc);
  });

  it('keeps a label that is not a language as a line above the block, and counts it', () => {
    const { doc, report } = parseMarkdownWithReport('```{r, echo=FALSE}\nplot(x)\n```\n\n```js {1,3}\nf()\n```\n');
    expect(shape(doc)).toEqual(['paragraph', 'code_block(null)', 'paragraph', 'code_block(js)']);
    expect(doc.child(0).textContent).toBe('{r, echo=FALSE}');
    expect(doc.child(2).textContent).toBe('{1,3}');
    expect(report).toEqual({ codeInfoKeptAsText: 2 });
    expectStable(doc);
  });
});

describe('Markdown import: lists', () => {
  const nested = [
    '1. first',
    '   - bullet',
    '     - [ ] open task',
    '     - [x] done task',
    '       1. deep number',
    '         - [x] deepest task',
    '2. second',
    '',
  ].join('\n');

  it('nests bullets in numbers in tasks at any depth, and gives them back', () => {
    const { doc, report } = parseMarkdownWithReport(nested);
    expect(shape(doc).filter((t) => t.endsWith('list'))).toEqual([
      'ordered_list',
      'bullet_list',
      'task_list',
      'ordered_list',
      'task_list',
    ]);
    const checked: boolean[] = [];
    doc.descendants((node) => void (node.type.name === 'task_item' && checked.push(node.attrs.checked as boolean)));
    expect(checked).toEqual([false, true, true]);
    expect(report).toEqual({});
    expectStable(doc);
  });

  it('keeps a checkbox in a numbered list, or in a list where not every item has one, as text, counted', () => {
    const { doc, report } = parseMarkdownWithReport('1. [x] shipped\n2. [ ] not yet\n\n- [ ] a task\n- a note\n');
    expect(shape(doc)).not.toContain('task_list');
    expect(doc.textContent).toBe('[x] shipped[ ] not yet[ ] a taska note');
    expect(report).toEqual({ tasksKeptAsText: 3 });
    // Exported and imported again, the text stays; only the counting repeats.
    const again = parseMarkdownWithReport(toMarkdown(doc));
    expect(again.doc.toJSON()).toEqual(doc.toJSON());
  });
});

describe('Markdown import: footnotes', () => {
  const md =
    'Tea[^tea] and cake[^2], tea again[^tea].\n\n[^tea]: Hot, with **milk**.\n[^2]: Lemon.\n[^idle]: Never cited.\n';

  it('numbers references where they stand and gathers every definition at the end, counted', () => {
    const { doc, report } = parseMarkdownWithReport(md);
    expect(doc.child(0).textContent).toBe('Tea[1] and cake[2], tea again[1].');
    expect(shape(doc)).toEqual([
      'paragraph',
      'heading',
      'ordered_list',
      ...Array(3).fill(['list_item', 'paragraph']).flat(),
    ]);
    expect(doc.child(1).textContent).toBe('Footnotes');
    expect(doc.child(1).attrs.level).toBe(3);
    const notes: string[] = [];
    doc.child(2).forEach((item) => notes.push(item.textContent));
    expect(notes).toEqual(['Hot, with milk.', 'Lemon.', 'Never cited.']);
    expect(report).toEqual({ footnotes: 3 });
  });

  it('exports them as plain text and a list, which import the same again', () => {
    const { doc } = parseMarkdownWithReport(md);
    const exported = toMarkdown(doc);
    expect(exported).toContain('### Footnotes\n\n1. Hot, with **milk**.\n2. Lemon.\n3. Never cited.');
    expect(exported).not.toContain('[^');
    expectStable(doc);
  });
});

describe('Markdown import: HTML, headings and links', () => {
  it('shows an HTML block as its source in an "html" code block, never as markup, counted', () => {
    const { doc, report } = parseMarkdownWithReport('<div onclick="x()">\n<b>hi</b>\n</div>\n\nafter\n');
    expect(shape(doc)).toEqual(['code_block(html)', 'paragraph']);
    expect(doc.child(0).textContent).toBe('<div onclick="x()">\n<b>hi</b>\n</div>');
    expect(report).toEqual({ htmlKeptAsText: 1 });
    const html = toHtml(doc);
    expect(html).not.toContain('<div onclick');
    expect(html).toContain('&lt;div onclick');
    expectStable(doc);
  });

  it('keeps a tag in a line as its text; <u> stays underline and <br> a line break, uncounted', () => {
    const { doc, report } = parseMarkdownWithReport('Press <kbd>Ctrl</kbd>, <u>under</u> one<br/>two\n');
    const paragraph = doc.child(0);
    expect(paragraph.textContent).toBe('Press <kbd>Ctrl</kbd>, under onetwo');
    const types: string[] = [];
    paragraph.forEach((node) => types.push(node.marks.map((m) => m.type.name).join('+') || node.type.name));
    expect(types).toContain('underline');
    expect(types).toContain('hard_break');
    expect(report).toEqual({ htmlKeptAsText: 2 });
    expectStable(doc);
  });

  it('makes headings below level 3 level 3, counted; setext headings are headings', () => {
    const { doc, report } = parseMarkdownWithReport('#### Four\n\n###### Six\n\nSet\n===\n\nEx\n--\n');
    expect(doc.content.content.map((h) => `${h.attrs.level as number}:${h.textContent}`)).toEqual([
      '3:Four',
      '3:Six',
      '1:Set',
      '2:Ex',
    ]);
    expect(report).toEqual({ headingsDemoted: 2 });
  });

  it('keeps a link that may not be one as its text and its address in brackets, counted', () => {
    const { doc, report } = parseMarkdownWithReport(
      '[call](tel:123) [notes](./notes.md) [ok](https://example.com) <ftp://files.example> [x](javascript:alert(1))\n',
    );
    // markdown-it itself leaves a javascript: link as the text it was written as.
    expect(doc.textContent).toBe('call (tel:123) notes (./notes.md) ok ftp://files.example [x](javascript:alert(1))');
    let links = 0;
    doc.descendants((node) => void (links += node.marks.filter((m) => m.type.name === 'link').length));
    expect(links).toBe(1);
    expect(report).toEqual({ unsafeLinksKeptAsText: 2 });
  });

  it('resolves reference-style links without counting anything', () => {
    const { doc, report } = parseMarkdownWithReport('See [the site][s].\n\n[s]: https://example.com\n');
    expect(doc.textContent).toBe('See the site.');
    expect(report).toEqual({});
  });
});

describe('the import report', () => {
  it('starts afresh for every import', () => {
    expect(parseMarkdownWithReport('#### Deep\n').report).toEqual({ headingsDemoted: 1 });
    expect(parseMarkdownWithReport('# Fine\n').report).toEqual({});
    // parseMarkdown is the same parse without the report.
    expect(parseMarkdown('#### Deep\n').toJSON()).toEqual(parseMarkdownWithReport('#### Deep\n').doc.toJSON());
  });

  it('is told in plain words, one phrase per kind, singular or plural', () => {
    expect(importSentence({})).toBe('Imported.');
    expect(importSentence({ footnotes: 2, remoteImagesKeptAsLinks: 1 })).toBe(
      'Imported. 2 footnotes were kept as text at the end; 1 image from another site was kept as a link.',
    );
    expect(importSentence({ headingsDemoted: 1, htmlKeptAsText: 3 })).toBe(
      'Imported. 3 pieces of HTML were kept as text; 1 small heading became a level 3 heading.',
    );
  });
});
