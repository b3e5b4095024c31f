import type { EditorState, Transaction } from 'prosemirror-state';
import { safeHref, schema } from '@tandem/crdt-bridge';

const linkType = schema.marks.link!;

/** A link in the document: its range and target. */
export interface LinkAt {
  from: number;
  to: number;
  href: string;
}

/** The link around the cursor (or at the selection start), if any. */
export function linkAtSelection(state: EditorState): LinkAt | null {
  const { $from } = state.selection;
  const cursor = $from.pos;
  // Runs of adjacent text carrying the same link, in document positions.
  const runs: LinkAt[] = [];
  let pos = $from.start();
  $from.parent.forEach((child) => {
    const mark = linkType.isInSet(child.marks);
    const end = pos + child.nodeSize;
    const last = runs[runs.length - 1];
    if (mark && last && last.to === pos && last.href === mark.attrs.href) last.to = end;
    else if (mark) runs.push({ from: pos, to: end, href: mark.attrs.href as string });
    pos = end;
  });
  return runs.find((run) => run.from <= cursor && cursor <= run.to) ?? null;
}

/** What a person typed as a link target, made absolute: "example.com" → "https://example.com/". Null if unusable. */
export function normaliseHref(input: string): string | null {
  const trimmed = input.trim();
  if (trimmed === '') return null;
  const direct = safeHref(trimmed);
  if (direct) return direct;
  if (/^[\w.+-]+@[\w-]+\.[\w.-]+$/.test(trimmed)) return safeHref(`mailto:${trimmed}`);
  if (!/^[a-z][a-z0-9+.-]*:/i.test(trimmed)) return safeHref(`https://${trimmed}`);
  return null;
}

/**
 * Sets the link on the selection (or the link around the cursor). With an empty
 * selection and no link there, inserts the address itself as linked text.
 */
export function applyLink(state: EditorState, href: string): Transaction {
  const existing = linkAtSelection(state);
  const { from, to, empty } = state.selection;
  const mark = linkType.create({ href, title: null });
  if (empty && existing)
    return state.tr.removeMark(existing.from, existing.to, linkType).addMark(existing.from, existing.to, mark);
  if (empty) {
    const text = href.replace(/^mailto:/, '');
    return state.tr.insert(from, schema.text(text, [mark])).scrollIntoView();
  }
  return state.tr.removeMark(from, to, linkType).addMark(from, to, mark);
}

/** Removes the link around the cursor, or every link in the selection. */
export function removeLink(state: EditorState): Transaction {
  const existing = linkAtSelection(state);
  const { from, to, empty } = state.selection;
  if (empty && existing) return state.tr.removeMark(existing.from, existing.to, linkType);
  return state.tr.removeMark(from, to, linkType);
}
