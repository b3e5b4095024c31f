import MarkdownIt from 'markdown-it';
import type { Node as PMNode } from 'prosemirror-model';
import { describe, expect, it } from 'vitest';
import { parseMarkdown, toMarkdown } from './markdown.js';
import { escapeHtmlLike } from './markdownState.js';
import { schema } from './schema.js';

const { nodes: n, marks: m } = schema;

/** A document of one paragraph per string. */
function paragraphs(...texts: string[]): PMNode {
  return n.doc!.create(
    null,
    texts.map((t) => n.paragraph!.create(null, t ? schema.text(t) : null)),
  );
}

/** What a Markdown viewer that allows HTML (GitHub-style) would render. */
const htmlRenderer = MarkdownIt('commonmark', { html: true });

/** The fastest of several runs of `work`, in milliseconds (the minimum is the least noisy). */
function fastest(work: () => void, runs: number): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    work();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/** A document of `count` ordinary paragraphs with some formatting, like a long report. */
function longDocument(count: number): PMNode {
  const blocks: PMNode[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 50 === 0) blocks.push(n.heading!.create({ level: 2 }, schema.text(`Section ${i / 50}`)));
    blocks.push(
      n.paragraph!.create(null, [
        schema.text(`Paragraph ${i} has `),
        schema.text('some bold', [m.bold!.create()]),
        schema.text(' words & a < sign, enough to look like real writing.'),
      ]),
    );
  }
  return n.doc!.create(null, blocks);
}

describe('Markdown export', () => {
  it('escapes text that looks like HTML, so a viewer that allows HTML shows it as text', () => {
    const attack = '<img src=x onerror=alert(1)>';
    const markdown = toMarkdown(paragraphs(attack, '</p><script>alert(1)</script>', '<!-- hidden -->'));
    const html = htmlRenderer.render(markdown);
    expect(html).not.toMatch(/<img|<script|<\/p><|<!--/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('escapes an ampersand only where it would start a character reference', () => {
    const markdown = toMarkdown(paragraphs('Tom & Jerry: &amp; &#60; &#x3C; &copy; &nope'));
    expect(markdown).toBe('Tom & Jerry: \\&amp; \\&#60; \\&#x3C; \\&copy; &nope');
    expect(htmlRenderer.render(markdown)).toContain('&amp;amp; &amp;#60; &amp;#x3C; &amp;copy;');
  });

  it('leaves a "<" that cannot start HTML alone', () => {
    expect(toMarkdown(paragraphs('a < b, 3<4, x <= y'))).toBe('a < b, 3<4, x <= y');
  });

  it('never escapes inside code spans or code blocks, and keeps its own <u> underline', () => {
    const doc = n.doc!.create(null, [
      n.paragraph!.create(null, [
        schema.text('<b>', [m.code!.create()]),
        schema.text(' and '),
        schema.text('under', [m.underline!.create()]),
      ]),
      n.code_block!.create(null, schema.text('<div class="x">&amp;</div>')),
    ]);
    const markdown = toMarkdown(doc);
    expect(markdown).toContain('`<b>`');
    expect(markdown).toContain('<u>under</u>');
    expect(markdown).toContain('```\n<div class="x">&amp;</div>\n```');
  });

  it('gives back the same text when its output is imported', () => {
    const texts = [
      '<img src=x onerror=alert(1)>',
      '&amp; &#123; &#x1F600; &copy;',
      'a<b>c</b>',
      '<https://example.com/>',
    ];
    const doc = paragraphs(...texts);
    expect(parseMarkdown(toMarkdown(doc)).toJSON()).toEqual(doc.toJSON());
  });

  it('takes time in proportion to the document: forty times the paragraphs, not 1,600 times the time', () => {
    const small = longDocument(1_000);
    const large = longDocument(40_000);
    fastest(() => toMarkdown(small), 2); // Warm the code up before timing it.
    const ratio = fastest(() => toMarkdown(large), 3) / fastest(() => toMarkdown(small), 5);
    // Linear growth gives about 40 (up to twice that as caches overflow, and a busy CI machine
    // has shown 3.75 times a ratio's usual value); the library's own state gave over 1,000
    // (each look at the output copied it). The gap is wide so only a change of order fails.
    expect(ratio).toBeLessThan(400);
  });

  it('writes a long run of line breaks in time linear in its length', () => {
    const breaks = (count: number): PMNode =>
      n.doc!.create(null, [
        n.paragraph!.create(null, [
          schema.text('before'),
          ...Array.from({ length: count }, () => n.hard_break!.create()),
        ]),
      ]);
    const small = breaks(5_000);
    const large = breaks(200_000);
    fastest(() => toMarkdown(large), 2);
    const ratio = fastest(() => toMarkdown(large), 5) / fastest(() => toMarkdown(small), 10);
    // Forty times the breaks: linear gives about 40, quadratic 1,600 (see above for the margin).
    expect(ratio).toBeLessThan(400);
    expect(toMarkdown(small)).toBe('before');
  });
});

describe('escapeHtmlLike', () => {
  it('escapes tag, comment, declaration and autolink starts', () => {
    expect(escapeHtmlLike('<a> </a> <!x> <?x> <https://e.com>')).toBe('\\<a> \\</a> \\<!x> \\<?x> \\<https://e.com>');
  });
});
