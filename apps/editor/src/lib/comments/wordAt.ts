import type { EditorState } from 'prosemirror-state';

/** The word around `pos` (letters, digits, apostrophes), as document positions; empty where there is none. */
export function wordAt(state: EditorState, pos: number): { from: number; to: number } {
  const $pos = state.doc.resolve(pos);
  if (!$pos.parent.isTextblock) return { from: pos, to: pos };
  const text = $pos.parent.textBetween(0, $pos.parent.content.size, undefined, '\ufffc');
  const offset = $pos.parentOffset;
  const isWord = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}'’_-]/u.test(ch);
  let start = offset;
  let end = offset;
  while (isWord(text[start - 1])) start -= 1;
  while (isWord(text[end])) end += 1;
  return { from: $pos.start() + start, to: $pos.start() + end };
}
