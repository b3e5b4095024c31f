// What an import could not represent as it was, counted by kind, and told in plain words.
// Nothing is dropped silently: each kind names what became of it (kept as text, as a link,
// as a smaller heading) so the person importing knows what to look over.

/** One kind of thing an import kept in another form. */
export type KeptKind =
  | 'footnotes'
  | 'htmlKeptAsText'
  | 'headingsDemoted'
  | 'codeInfoKeptAsText'
  | 'tasksKeptAsText'
  | 'unsafeLinksKeptAsText'
  | 'remoteImagesKeptAsLinks';

/** Counts by kind; only kinds that happened are present, each with a count of at least 1. */
export type ImportReport = Partial<Record<KeptKind, number>>;

/** A running count of what one import kept in another form. */
export class ImportTally {
  private counts: ImportReport = {};

  /** Counts `count` more of `kind`. */
  add(kind: KeptKind, count = 1): void {
    if (count > 0) this.counts[kind] = (this.counts[kind] ?? 0) + count;
  }

  /** Forgets everything counted, for the next import. */
  reset(): void {
    this.counts = {};
  }

  /** The counts so far, as a report of their own (later counting does not change it). */
  report(): ImportReport {
    return { ...this.counts };
  }
}

/**
 * The tally of the Markdown import running now. Parsing is synchronous, so imports never
 * overlap: each resets it first, and its token handlers count into it.
 */
export const importTally = new ImportTally();

/** How each kind is told: its phrase for one and for several. */
const PHRASES: Record<KeptKind, [one: string, many: (n: number) => string]> = {
  footnotes: ['1 footnote was kept as text at the end', (n) => `${n} footnotes were kept as text at the end`],
  htmlKeptAsText: ['1 piece of HTML was kept as text', (n) => `${n} pieces of HTML were kept as text`],
  headingsDemoted: ['1 small heading became a level 3 heading', (n) => `${n} small headings became level 3 headings`],
  codeInfoKeptAsText: [
    '1 code block’s label was not a language name and was kept as a line above it',
    (n) => `${n} code blocks’ labels were not language names and were kept as lines above them`,
  ],
  tasksKeptAsText: [
    '1 checkbox was kept as text ("[ ]" or "[x]")',
    (n) => `${n} checkboxes were kept as text ("[ ]" or "[x]")`,
  ],
  unsafeLinksKeptAsText: [
    '1 link was kept as text with its address in brackets (only web and email addresses can be links)',
    (n) => `${n} links were kept as text with their addresses in brackets (only web and email addresses can be links)`,
  ],
  remoteImagesKeptAsLinks: [
    '1 image from another site was kept as a link',
    (n) => `${n} images from other sites were kept as links`,
  ],
};

/** The order kinds are told in: most likely to matter to the reader first. */
const ORDER = Object.keys(PHRASES) as KeptKind[];

/**
 * The report in one or two plain sentences, e.g. "Imported. 2 footnotes were kept as text
 * at the end; 1 image from another site was kept as a link."; just "Imported." when
 * everything came in as it was.
 */
export function importSentence(report: ImportReport): string {
  const parts = ORDER.flatMap((kind) => {
    const count = report[kind] ?? 0;
    if (count < 1) return [];
    const [one, many] = PHRASES[kind];
    return [count === 1 ? one : many(count)];
  });
  return parts.length === 0 ? 'Imported.' : `Imported. ${parts.join('; ')}.`;
}
