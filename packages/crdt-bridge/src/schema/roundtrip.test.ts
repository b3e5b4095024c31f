import { describe, expect, it } from 'vitest';
import { prosemirrorToYXmlFragment } from 'y-prosemirror';
import * as Y from 'yjs';
import { docFromY, minimumStateBytes, yUpdateFromDoc } from './convert.js';
import { toHtml } from './html.js';
import { parseMarkdown, toMarkdown } from './markdown.js';
import { CONTENT_FRAGMENT, schema } from './schema.js';

const { nodes: n, marks: m } = schema;
const p = (...content: Parameters<typeof schema.text>[0][]) =>
  n.paragraph!.create(
    null,
    content.map((t) => schema.text(t)),
  );

/** A document using every node and mark of the schema. */
function everything() {
  return n.doc!.create(null, [
    n.heading!.create({ level: 1 }, schema.text('Title')),
    n.heading!.create({ level: 2 }, schema.text('Sub')),
    n.heading!.create({ level: 3 }, schema.text('Subsub')),
    n.paragraph!.create(null, [
      schema.text('plain '),
      schema.text('bold', [m.bold!.create()]),
      schema.text(' '),
      schema.text('italic', [m.italic!.create()]),
      schema.text(' '),
      schema.text('under', [m.underline!.create()]),
      schema.text(' '),
      schema.text('struck', [m.strike!.create()]),
      schema.text(' '),
      schema.text('code', [m.code!.create()]),
      schema.text(' '),
      schema.text('link', [m.link!.create({ href: 'https://example.com/', title: null })]),
      n.hard_break!.create(),
      schema.text('after break'),
    ]),
    n.bullet_list!.create(null, [n.list_item!.create(null, p('one')), n.list_item!.create(null, p('two'))]),
    n.ordered_list!.create({ order: 3 }, [n.list_item!.create(null, p('three')), n.list_item!.create(null, p('four'))]),
    n.task_list!.create(null, [
      n.task_item!.create({ checked: false }, p('todo')),
      n.task_item!.create({ checked: true }, p('done')),
    ]),
    n.blockquote!.create(null, p('quoted')),
    n.code_block!.create(null, schema.text('const x = 1;\nif (x) {}')),
    n.horizontal_rule!.create(),
    p('end'),
  ]);
}

describe('schema round trips', () => {
  it('keeps every node and mark through Yjs', () => {
    const doc = everything();
    const ydoc = new Y.Doc();
    Y.applyUpdate(ydoc, yUpdateFromDoc(doc));
    expect(docFromY(ydoc).toJSON()).toEqual(doc.toJSON());
  });

  it('keeps every node and mark through Markdown', () => {
    const doc = everything();
    const markdown = toMarkdown(doc);
    expect(parseMarkdown(markdown).toJSON()).toEqual(doc.toJSON());
  });

  it('writes readable Markdown', () => {
    const markdown = toMarkdown(everything());
    expect(markdown).toContain('# Title');
    expect(markdown).toContain('**bold**');
    expect(markdown).toContain('*italic*');
    expect(markdown).toContain('<u>under</u>');
    expect(markdown).toContain('~~struck~~');
    expect(markdown).toContain('`code`');
    expect(markdown).toContain('[link](https://example.com/)');
    expect(markdown).toContain('- [ ] todo');
    expect(markdown).toContain('- [x] done');
    expect(markdown).toContain('3. three');
    expect(markdown).toContain('> quoted');
    expect(markdown).toContain('```\nconst x = 1;');
    expect(markdown).toContain('---');
  });

  it('renders every node and mark as HTML', () => {
    const html = toHtml(everything());
    for (const fragment of [
      '<h1>Title</h1>',
      '<h3>Subsub</h3>',
      '<strong>bold</strong>',
      '<em>italic</em>',
      '<u>under</u>',
      '<s>struck</s>',
      '<code>code</code>',
      '<a href="https://example.com/" rel="noopener noreferrer nofollow">link</a>',
      '<br>',
      '<ul><li><p>one</p></li>',
      '<ol start="3">',
      '<ul data-type="task-list"><li data-type="task-item" data-checked="false"><p>todo</p></li>',
      '<blockquote><p>quoted</p></blockquote>',
      '<pre><code>const x = 1;\nif (x) {}</code></pre>',
      '<hr>',
    ]) {
      expect(html).toContain(fragment);
    }
  });

  it('escapes text and keeps raw HTML from Markdown as text, never as markup', () => {
    const doc = parseMarkdown('Hello <script>alert(1)</script> & <b>x</b>\n\n<div onclick="x()">block</div>\n');
    const html = toHtml(doc);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('<div');
    expect(html).toContain('&lt;div onclick=&quot;x()&quot;&gt;block&lt;/div&gt;');
    expect(toHtml(n.doc!.create(null, p('a < b & "c"')))).toBe('<p>a &lt; b &amp; &quot;c&quot;</p>');
  });

  it('never keeps a javascript: or relative link from Markdown', () => {
    const doc = parseMarkdown('[bad](javascript:alert(1)) [rel](/x) [ok](https://ok.example)');
    const links: string[] = [];
    doc.descendants((node) => {
      for (const mark of node.marks) if (mark.type === m.link) links.push(mark.attrs.href as string);
    });
    expect(links).toEqual(['https://ok.example/']);
  });

  it('refuses a Yjs document that violates the schema instead of repairing it', () => {
    const ydoc = new Y.Doc();
    const fragment = ydoc.getXmlFragment('prosemirror');
    const bogus = new Y.XmlElement('paragraph');
    bogus.insert(0, [new Y.XmlElement('heading')]);
    fragment.insert(0, [bogus]);
    expect(() => docFromY(ydoc)).toThrow(RangeError);
    expect(fragment.length).toBe(1);
  });
});

/** The Yjs tree of a body, element names, attributes and text deltas included, to compare layouts. */
function layout(type: Y.XmlFragment | Y.XmlElement | Y.XmlText): unknown {
  if (type instanceof Y.XmlText) return { delta: type.toDelta() as unknown };
  const children = type.toArray().map((child) => layout(child as Y.XmlElement | Y.XmlText));
  return type instanceof Y.XmlElement ? { name: type.nodeName, attrs: type.getAttributes(), children } : children;
}

/** The body of a Y.Doc built from `update`. */
function bodyOf(update: Uint8Array): Y.XmlFragment {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return doc.getXmlFragment(CONTENT_FRAGMENT);
}

describe('writing a document into Yjs', () => {
  it('lays it out exactly as y-prosemirror does, so the editor binds to it unchanged', () => {
    const doc = everything();
    const reference = new Y.Doc();
    prosemirrorToYXmlFragment(doc, reference.getXmlFragment(CONTENT_FRAGMENT));
    expect(layout(bodyOf(yUpdateFromDoc(doc)))).toEqual(layout(reference.getXmlFragment(CONTENT_FRAGMENT)));
  });

  it('relies on no mark overlapping itself (y-prosemirror would name such marks differently)', () => {
    for (const type of Object.values(schema.marks)) expect(type.excludes(type)).toBe(true);
  });

  it('writes a list of 150,000 items, where y-prosemirror overflows the stack inside Yjs', () => {
    const items = Array.from({ length: 150_000 }, () => n.list_item!.create(null, p('x')));
    const doc = n.doc!.create(null, [n.bullet_list!.create(null, items)]);
    // The lower bound counts every item, paragraph and letter: the update holds them all.
    expect(yUpdateFromDoc(doc).byteLength).toBeGreaterThanOrEqual(minimumStateBytes(doc));
    expect(minimumStateBytes(doc)).toBeGreaterThan(150_000 * 30);
  });

  it('estimates a lower bound of the encoded size, never more than the real one', () => {
    const samples = [
      everything(),
      parseMarkdown('*a'.repeat(2_000)),
      parseMarkdown('x\n\n'.repeat(2_000)),
      parseMarkdown('- x\n'.repeat(2_000)),
      parseMarkdown('**bold *both* bold** [link](https://e.com "t") `code` 😀 é\n\n# H\n\n- [x] done\n'),
      n.doc!.create(null, [n.paragraph!.create()]),
    ];
    for (const doc of samples) {
      const real = yUpdateFromDoc(doc).byteLength;
      const estimate = minimumStateBytes(doc);
      expect(estimate).toBeLessThanOrEqual(real);
      // Close enough to be useful: within a factor of three for documents of some size.
      if (real > 10_000) expect(estimate * 3).toBeGreaterThan(real);
    }
  });
});
