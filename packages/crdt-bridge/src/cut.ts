/**
 * `text` cut to at most `max` UTF-16 code units (what an HTML `maxlength` counts), one
 * fewer when the cut would split a surrogate pair: a cut name or title never ends in
 * half a character.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}
