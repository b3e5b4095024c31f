const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** The href if it is an absolute http(s) or mailto URL, else null: other schemes (javascript:, data:) never reach a page. */
export function safeHref(href: unknown): string | null {
  if (typeof href !== 'string' || href.length > 2048) return null;
  try {
    const url = new URL(href.trim());
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}
