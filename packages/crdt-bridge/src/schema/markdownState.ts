import type { Node as PMNode } from 'prosemirror-model';
import { MarkdownSerializerState, type MarkdownSerializer } from 'prosemirror-markdown';

/** prosemirror-markdown's state constructor, which its type declarations leave out (it is internal there). */
type StateConstructor = new (
  nodes: MarkdownSerializer['nodes'],
  marks: MarkdownSerializer['marks'],
  options: MarkdownSerializer['options'] & { tightLists?: boolean },
) => MarkdownSerializerState;

/** Output longer than this is moved out of `out` into the finished chunks. */
const TAIL_LIMIT = 4096;
/**
 * Characters kept in `out` after a move. prosemirror-markdown (1.13) reads at most the
 * last two characters of `out` (`atBlank`, and `text`'s look for a "!" before a link) and
 * changes at most its last one; everything else is appended.
 */
const TAIL_KEEP = 2;

/**
 * A character that would start HTML in CommonMark after "<" (a tag, a closing tag, a
 * comment, a processing instruction, a declaration, an autolink), and an "&" that would
 * start an entity or a numeric character reference.
 */
const HTML_START = /<(?=[A-Za-z/!?])|&(?=#[0-9]{1,7};|#[xX][0-9A-Fa-f]{1,6};|[A-Za-z][A-Za-z0-9]{0,31};)/g;

/**
 * Backslash-escapes text that Markdown renderers with HTML enabled would read as HTML or
 * as a character reference, so `<img src=x onerror=…>` in a paragraph stays text. Code
 * spans and blocks never reach this (they are written unescaped), and our own `<u>` marks
 * are written as markup, not text.
 */
export function escapeHtmlLike(text: string): string {
  return text.replace(HTML_START, '\\$&');
}

/**
 * prosemirror-markdown's serializer state, made linear and HTML-safe.
 *
 * The library builds its output with `out += …` and looks at the last character after
 * almost every write. In V8, `+=` makes a rope and reading a character of a rope
 * flattens it, copying the whole output so far: serializing took time quadratic in the
 * document (20 s for 1.4 MB). Here `out` is an accessor that keeps only a short tail as a
 * string and moves the rest into chunks joined once at the end, so each look copies at
 * most the tail. Every other behaviour is the library's own.
 */
class LinearState extends (MarkdownSerializerState as unknown as StateConstructor) {
  private readonly chunks: string[] = [];
  private tail = '';

  constructor(...args: ConstructorParameters<StateConstructor>) {
    super(...args);
    // The base constructor assigned `out = ""` as a plain field; the accessor replaces it on this instance.
    Object.defineProperty(this, 'out', {
      get: (): string => this.tail,
      set: (value: string): void => {
        if (value.length <= TAIL_LIMIT) {
          this.tail = value;
          return;
        }
        this.chunks.push(value.slice(0, value.length - TAIL_KEEP));
        this.tail = value.slice(value.length - TAIL_KEEP);
      },
      configurable: true,
    });
  }

  /** The whole output. */
  result(): string {
    return this.chunks.join('') + this.tail;
  }

  /** The library's escaping, then HTML-looking text escaped too. */
  override esc(str: string, startOfLine = false): string {
    return escapeHtmlLike(super.esc(str, startOfLine));
  }
}

/**
 * Serializes `doc` with `serializer`'s node and mark functions the way
 * `serializer.serialize(doc, options)` does, but in time linear in the output and with
 * HTML-looking text escaped (see {@link LinearState}).
 */
export function serializeMarkdown(
  serializer: MarkdownSerializer,
  doc: PMNode,
  options: { tightLists?: boolean; imagePath?: (imageId: string) => string } = {},
): string {
  const state = new LinearState(serializer.nodes, serializer.marks, { ...serializer.options, ...options });
  state.renderContent(doc);
  return state.result();
}
