import { Fragment, type Node, type Slice } from 'prosemirror-model';
import { TextSelection, type EditorState, type Transaction } from 'prosemirror-state';
import { DELETION_MARK, INSERTION_MARK } from '@tandem/crdt-bridge';
import { ownSuggestionId, suggestionAttrs, suggestionMarkOf, type SuggestionAuthor } from './suggestionAuthor.js';

/** A ProseMirror step (prosemirror-transform is not a direct dependency of the editor). */
type Step = Transaction['steps'][number];

/** What a person in Suggesting mode is told when a change cannot become a suggestion. */
export const BLOCKED = {
  formatting: 'Formatting can’t be suggested yet. Switch to Editing to change it, or leave a comment.',
  structure: 'Only text can be suggested: paragraphs, lists and tables can’t be split, joined or changed.',
  unexpected: 'That change couldn’t be kept as a suggestion, so it was undone.',
} as const;

/** Why a change was turned back instead of suggested: one of {@link BLOCKED}'s sentences. */
export type BlockedReason = (typeof BLOCKED)[keyof typeof BLOCKED];

/** What {@link suggestChanges} made of a set of local transactions. */
export type SuggestResult =
  { kind: 'suggested'; tr: Transaction } | { kind: 'blocked'; tr: Transaction; reason: BlockedReason };

/**
 * A ReplaceStep's fields. prosemirror-transform is not a direct dependency of the editor, so
 * steps are told apart by shape: a ReplaceAroundStep also has `gapFrom`, mark and attribute
 * steps have no `slice`.
 */
interface ReplaceLike {
  from: number;
  to: number;
  slice: Slice;
}

function asReplace(step: unknown): ReplaceLike | null {
  if (typeof step !== 'object' || step === null || 'gapFrom' in step) return null;
  const s = step as Partial<ReplaceLike>;
  return typeof s.from === 'number' && typeof s.to === 'number' && s.slice !== undefined ? (s as ReplaceLike) : null;
}

/** The inline content `slice` inserts, or null when it inserts blocks (a split, a pasted list). */
function inlineContent(slice: Slice): Fragment | null {
  if (slice.size === 0) return Fragment.empty;
  const { content } = slice;
  let inline = true;
  content.forEach((child) => (inline &&= child.isInline));
  if (inline && slice.openStart === 0 && slice.openEnd === 0) return content;
  // Pasted text arrives as one open paragraph: its text is what goes in.
  const only = content.childCount === 1 ? content.firstChild : null;
  if (only?.isTextblock && slice.openStart === 1 && slice.openEnd === 1) return only.content;
  return null;
}

/** Whether `from..to` of `doc` holds any inline content (text, a line break, an image). */
function holdsInline(doc: Node, from: number, to: number): boolean {
  let found = false;
  doc.nodesBetween(from, to, (node) => {
    if (node.isInline) found = true;
    return !found;
  });
  return found;
}

/** A transaction on `state` that undoes `steps` (made in order, each on its `doc`), newest first. */
function undoSteps(steps: { step: Step; doc: Node }[], state: EditorState): Transaction {
  const tr = state.tr;
  for (let i = steps.length - 1; i >= 0; i--) tr.step(steps[i]!.step.invert(steps[i]!.doc));
  return tr;
}

/** A transaction that takes `trs` (which led from `oldState` to `newState`) back whole, selection included. */
export function takeBack(trs: readonly Transaction[], oldState: EditorState, newState: EditorState): Transaction {
  const tr = undoSteps(
    trs.flatMap((t) => t.steps.map((step, i) => ({ step, doc: t.docs[i]! }))),
    newState,
  );
  return tr.setSelection(oldState.selection.getBookmark().resolve(tr.doc));
}

/**
 * Turns this person's local changes (`trs`, already applied to give `newState`) into
 * suggestions, as a transaction to append: it first takes the changes back, then makes each
 * again as a suggestion. Typed or pasted text is marked `insertion`; removed text stays,
 * marked `deletion`, unless it is the person's own suggested insertion, which really goes.
 * Formatting and structural changes are taken back whole, with the reason.
 */
export function suggestChanges(
  trs: readonly Transaction[],
  oldState: EditorState,
  newState: EditorState,
  author: SuggestionAuthor,
  newId: () => string,
): SuggestResult | null {
  const steps = trs.flatMap((tr) => tr.steps.map((step, i) => ({ step, doc: tr.docs[i]! })));
  if (steps.length === 0) return null;
  const work = undoSteps(steps, newState);

  const blocked = (reason: BlockedReason): SuggestResult => {
    work.setSelection(oldState.selection.getBookmark().resolve(work.doc));
    return { kind: 'blocked', tr: work, reason };
  };
  const replaces: ReplaceLike[] = [];
  for (const { step, doc } of steps) {
    const replace = asReplace(step);
    if (replace === null)
      return blocked(step.toJSON().stepType === 'replaceAround' ? BLOCKED.structure : BLOCKED.formatting);
    const content = inlineContent(replace.slice);
    if (content === null) return blocked(BLOCKED.structure);
    const insertion = doc.type.schema.marks[INSERTION_MARK]!;
    if (content.size > 0 && !doc.resolve(replace.from).parent.type.allowsMarkType(insertion))
      return blocked(BLOCKED.structure);
    // Removing only structure (a paragraph break, a divider, a table) leaves no text to strike.
    if (replace.from < replace.to && !holdsInline(doc, replace.from, replace.to)) return blocked(BLOCKED.structure);
    replaces.push(replace);
  }

  const count = steps.length;
  let caret: number | null = null;
  for (const [i, replace] of replaces.entries()) {
    // From the document this step saw to the one being built: back through the earlier steps, then forward through the suggestions so far.
    const toWork = work.mapping.slice(count - i);
    const from = toWork.map(replace.from, 1);
    const to = Math.max(from, toWork.map(replace.to, -1));
    const content = inlineContent(replace.slice)!;
    const id =
      ownSuggestionId(work.doc.resolve(from).nodeBefore, 'insertion', author.id) ??
      ownSuggestionId(work.doc.resolve(to).nodeAfter, 'deletion', author.id) ??
      ownSuggestionId(work.doc.resolve(from).nodeBefore, 'deletion', author.id) ??
      newId();
    const removedEnd = from < to ? markRemoved(work, from, to, author, id) : to;
    if (content.size > 0) {
      const marked = markInserted(content, work.doc, removedEnd, author, id);
      work.insert(removedEnd, marked);
      caret = removedEnd + marked.size;
    } else {
      // Backspace moves the caret back over what it struck; Delete (and a deleted selection) forward.
      const sel = oldState.selection;
      const backward = sel.empty && i === replaces.length - 1 && sel.head === replace.to && count === 1;
      caret = backward ? from : removedEnd;
    }
  }
  if (caret !== null) work.setSelection(TextSelection.create(work.doc, caret));
  return { kind: 'suggested', tr: work };
}

/**
 * Marks `from..to` of `tr`'s document as suggested for deletion by `author` (under `id`),
 * except text that is already struck through, and really deletes the parts that are the
 * author's own suggested insertions. Returns where the range ends afterwards.
 */
function markRemoved(tr: Transaction, from: number, to: number, author: SuggestionAuthor, id: string): number {
  const schema = tr.doc.type.schema;
  const deletion = schema.marks[DELETION_MARK]!.create(suggestionAttrs(author, id));
  const pieces: { from: number; to: number; node: Node }[] = [];
  tr.doc.nodesBetween(from, to, (node, pos) => {
    if (!node.isInline) return true;
    pieces.push({ from: Math.max(pos, from), to: Math.min(pos + node.nodeSize, to), node });
    return false;
  });
  const before = tr.steps.length;
  // Last first, so that deleting a piece leaves the positions of those before it as they are.
  for (const piece of pieces.reverse()) {
    if (ownSuggestionId(piece.node, 'insertion', author.id) !== null) tr.delete(piece.from, piece.to);
    else if (suggestionMarkOf(piece.node, 'deletion') === null) tr.addMark(piece.from, piece.to, deletion);
  }
  return tr.mapping.slice(before).map(to, -1);
}

/**
 * `content` as the author's suggested insertion: other suggestions' marks taken off (new
 * text is nobody else's suggestion), the insertion mark put on, and only marks the place
 * takes kept.
 */
function markInserted(content: Fragment, doc: Node, at: number, author: SuggestionAuthor, id: string): Fragment {
  const schema = doc.type.schema;
  const insertion = schema.marks[INSERTION_MARK]!.create(suggestionAttrs(author, id));
  const parent = doc.resolve(at).parent;
  const nodes: Node[] = [];
  content.forEach((node) => {
    const kept = node.marks.filter((m) => m.type.name !== INSERTION_MARK && m.type.name !== DELETION_MARK);
    nodes.push(node.mark(insertion.addToSet(parent.type.allowedMarks(kept))));
  });
  return Fragment.fromArray(nodes);
}
