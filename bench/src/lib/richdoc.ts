/**
 * A deterministic, formatted Markdown document of a given size for the browser scenario:
 * headings, paragraphs with bold, italic, links and inline code, bullet, ordered and task
 * lists, blockquotes, code blocks, tables, images and rules, in the proportions of a long design document.
 */
import { parseMarkdown, type ImageImport } from '@tandem/crdt-bridge/markdown';
import { bandedPng } from './png.js';

/** The generated document and what the scenario needs to know about it. */
export interface RichDoc {
  markdown: string;
  /** Characters of text in the ProseMirror document (what a reader sees, without Markdown syntax). */
  chars: number;
  /** Top-level blocks: the editor renders one DOM child per block. */
  blocks: number;
  /** Top-level blocks by node type, e.g. { paragraph: 180, heading: 60, … }. */
  blockTypes: Record<string, number>;
  /** Top-level index of a paragraph near the middle (the measured user types at its end). */
  middleParagraph: number;
  /** Top-level indexes of the paragraphs just before and after it (the two other users). */
  neighbourParagraphs: [number, number];
  /** Further paragraphs near the middle one, nearest first (where a crowd of others types). */
  nearbyParagraphs: number[];
}

const WORDS = (
  'document editor server client update merge cursor caret change offline online history version ' +
  'snapshot restore paragraph heading list quote table block inline mark bold italic link code ' +
  'storage commit durable latency budget frame paint render layout style script network socket ' +
  'message packet buffer queue batch flush compact replay trace sample median percentile target ' +
  'review draft proposal design decision tradeoff constraint risk plan milestone release feature ' +
  'person team reader writer viewer owner member invite token secret origin session presence ' +
  'awareness typing selection range anchor head position mapping schema node text fragment tree ' +
  'the a of to and in for with on by from that this it is are was be can will should must may'
).split(' ');

/** Mulberry32: a tiny seeded PRNG, so every run builds the same document. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Writer {
  private readonly random: () => number;
  private links = 0;

  constructor(seed: number) {
    this.random = prng(seed);
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  words(n: number): string[] {
    return Array.from({ length: n }, () => WORDS[this.int(0, WORDS.length - 1)]!);
  }

  /** A plain sentence: capitalised, ends with a full stop. */
  sentence(min = 8, max = 16): string {
    const s = this.words(this.int(min, max)).join(' ');
    return `${s[0]!.toUpperCase()}${s.slice(1)}.`;
  }

  /** A sentence with one span of inline formatting somewhere inside it. */
  formattedSentence(): string {
    const words = this.words(this.int(8, 16));
    const at = this.int(1, words.length - 3);
    const len = this.int(1, 2);
    const span = words.slice(at, at + len).join(' ');
    let marked: string;
    switch (this.int(0, 4)) {
      case 0:
        marked = `**${span}**`;
        break;
      case 1:
        marked = `*${span}*`;
        break;
      case 2:
        marked = `\`${span}\``;
        break;
      case 3:
        marked = `[${span}](https://example.com/docs/${++this.links})`;
        break;
      default:
        marked = `***${span}***`;
    }
    words.splice(at, len, marked);
    const s = words.join(' ');
    return `${s[0]!.toUpperCase()}${s.slice(1)}.`;
  }

  /** A paragraph of formatted sentences that ends in plain text (typing at its end inherits no mark). */
  paragraph(): string {
    const n = this.int(3, 6);
    const parts = Array.from({ length: n - 1 }, () =>
      this.random() < 0.6 ? this.formattedSentence() : this.sentence(),
    );
    return [...parts, this.sentence()].join(' ');
  }

  title(): string {
    const s = this.words(this.int(2, 5)).join(' ');
    return `${s[0]!.toUpperCase()}${s.slice(1)}`;
  }

  codeBlock(): string {
    const lines = this.int(3, 8);
    const body = Array.from(
      { length: lines },
      (_, i) => `${'  '.repeat(i % 3)}const ${this.words(1)[0]}${i} = ${this.words(1)[0]}(${this.int(0, 99)});`,
    );
    return ['```ts', ...body, '```'].join('\n');
  }

  /** A GFM table: a header row and a few rows of short cells, some formatted. */
  table(): string {
    const cols = this.int(3, 5);
    const row = (cells: string[]): string => `| ${cells.join(' | ')} |`;
    const header = row(Array.from({ length: cols }, () => this.title()));
    const rule = row(Array.from({ length: cols }, () => '---'));
    const body = Array.from({ length: this.int(3, 6) }, () =>
      row(
        Array.from({ length: cols }, () =>
          this.random() < 0.2 ? `**${this.words(2).join(' ')}**` : this.words(this.int(1, 4)).join(' '),
        ),
      ),
    );
    return [header, rule, ...body].join('\n');
  }

  /** An embedded PNG (the server stores it on import), a few kilobytes, distinct per `k`. */
  image(k: number): string {
    const colours: [number, number, number][] = [
      [26, 95, 180],
      [19, 115, 51],
      [197, 34, 31],
    ];
    const png = bandedPng(320, 180, colours[k % 3]!, k).toString('base64');
    return `![Figure ${k}: ${this.words(3).join(' ')}](data:image/png;base64,${png})`;
  }

  section(k: number): string {
    const out: string[] = [`## ${k}. ${this.title()}`, this.paragraph(), this.paragraph()];
    out.push(Array.from({ length: this.int(3, 5) }, () => `- ${this.formattedSentence()}`).join('\n'));
    out.push(this.paragraph());
    out.push(`> ${this.formattedSentence()} ${this.sentence()}`);
    out.push(`### ${this.title()}`, this.paragraph());
    if (k % 2 === 0)
      out.push(Array.from({ length: this.int(2, 4) }, (_, i) => `${i + 1}. ${this.sentence()}`).join('\n'));
    out.push(
      Array.from(
        { length: this.int(2, 4) },
        () => `- [${this.random() < 0.4 ? 'x' : ' '}] ${this.sentence(4, 9)}`,
      ).join('\n'),
    );
    if (k % 3 === 0) out.push(this.codeBlock());
    if (k % 4 === 1) out.push(this.table());
    if (k % 4 === 3) out.push(this.image(k));
    out.push(this.paragraph(), this.paragraph());
    if (k % 5 === 4) out.push('---');
    return out.join('\n\n');
  }
}

/** Parses as the server's import does, with every embedded image kept as an image block. */
function parse(markdown: string): ReturnType<typeof parseMarkdown> {
  const images: ImageImport = { storeEmbedded: () => '0'.repeat(64), remoteImagesKeptAsLinks: 0 };
  return parseMarkdown(markdown, images);
}

/** Builds a document of at least `targetChars` characters of text (seeded, so always the same one). */
export function richDocument(targetChars: number, seed = 7): RichDoc {
  const writer = new Writer(seed);
  const sections: string[] = [`# ${writer.title()}`, writer.paragraph()];
  // Sections start with a heading and end with a paragraph or rule, so their text lengths add up.
  let chars = parse(sections.join('\n\n')).textContent.length;
  for (let k = 1; chars < targetChars && k <= 10_000; k++) {
    const section = writer.section(k);
    sections.push(section);
    chars += parse(section).textContent.length;
  }
  const markdown = `${sections.join('\n\n')}\n`;
  const doc = parse(markdown);
  const blockTypes: Record<string, number> = {};
  const paragraphs: number[] = [];
  doc.forEach((node, _offset, index) => {
    blockTypes[node.type.name] = (blockTypes[node.type.name] ?? 0) + 1;
    if (node.type.name === 'paragraph') paragraphs.push(index);
  });
  // The paragraph nearest the middle, and its neighbours: all three on one screen.
  const middle = paragraphs.reduce((best, i) =>
    Math.abs(i - doc.childCount / 2) < Math.abs(best - doc.childCount / 2) ? i : best,
  );
  const at = paragraphs.indexOf(middle);
  const before = paragraphs[Math.max(0, at - 1)]!;
  const after = paragraphs[Math.min(paragraphs.length - 1, at + 1)]!;
  if (before === middle || after === middle) throw new Error('the generated document has too few paragraphs');
  return {
    markdown,
    chars: doc.textContent.length,
    blocks: doc.childCount,
    blockTypes,
    middleParagraph: middle,
    neighbourParagraphs: [before, after],
    nearbyParagraphs: [at - 2, at + 2, at - 3, at + 3, at - 4, at + 4]
      .filter((k) => k >= 0 && k < paragraphs.length)
      .map((k) => paragraphs[k]!),
  };
}
