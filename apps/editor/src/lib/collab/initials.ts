/** One letter or digit with the accents that belong to it (an "e" and a combining acute count as one). */
const LETTER = /[\p{L}\p{N}]\p{M}*/gu;
/** A note in brackets after a name, e.g. "(PM)" or "[away]": not part of the name. */
const BRACKETED = /\([^)]*\)|\[[^\]]*\]/g;

/** The letters and digits of each word of `text`; words without any are left out. */
function wordsOf(text: string): string[][] {
  return text
    .split(/\s+/)
    .map((word) => word.match(LETTER) ?? [])
    .filter((letters) => letters.length > 0);
}

/**
 * Up to two initials for an avatar, from letters and digits only: "Curious Otter" → "CO",
 * "A. B. (PM)" → "AB", "Ana" → "AN"; "?" for a name with no letter or digit at all.
 */
export function initials(name: string): string {
  const withoutNotes = wordsOf(name.replace(BRACKETED, ' '));
  const words = withoutNotes.length > 0 ? withoutNotes : wordsOf(name);
  const first = words[0];
  if (!first) return '?';
  const last = words[words.length - 1]!;
  const letters = words.length > 1 ? [first[0]!, last[0]!] : first.slice(0, 2);
  return letters.join('').toUpperCase();
}
