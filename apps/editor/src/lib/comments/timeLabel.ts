/** A message's time as people read it: "14:05" today, "3 Dec, 14:05" this year, else "3 Dec 2025". */
export function timeLabel(at: number, now: number = Date.now(), locale?: string): string {
  const when = new Date(at);
  const today = new Date(now);
  const sameDay = when.toDateString() === today.toDateString();
  if (sameDay) return when.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  if (when.getFullYear() === today.getFullYear())
    return when.toLocaleString(locale, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  return when.toLocaleDateString(locale, { day: 'numeric', month: 'short', year: 'numeric' });
}
