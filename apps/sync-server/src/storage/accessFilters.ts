import type { DocumentAccess } from './DocumentStore.js';

/**
 * The WHERE term that keeps the documents someone may see, for each SQL store: one
 * reading of {@link DocumentAccess}, shared by the document list and the search.
 */

/** SQLite: a term on `column` and its parameters; null when everything is visible. */
export function sqliteAccessFilter(access: DocumentAccess, column: string): { sql: string; params: unknown[] } | null {
  if (access.all) return null;
  const anyOf = [
    ...(access.ids.length > 0 ? [`${column} IN (${access.ids.map(() => '?').join(', ')})`] : []),
    // substr, not LIKE: "_" is a valid id character and a LIKE wildcard.
    ...access.prefixes.map(() => `substr(${column}, 1, ?) = ?`),
  ];
  return {
    sql: anyOf.length > 0 ? `(${anyOf.join(' OR ')})` : '0',
    params: [...access.ids, ...access.prefixes.flatMap((prefix) => [prefix.length, prefix])],
  };
}

/** PostgreSQL: a term on `column`, its values added through `param` (which returns their placeholder); null when everything is visible. */
export function pgAccessFilter(
  access: DocumentAccess,
  column: string,
  param: (value: unknown) => string,
): string | null {
  if (access.all) return null;
  const anyOf = [
    ...(access.ids.length > 0 ? [`${column} = ANY(${param(access.ids)}::text[])`] : []),
    ...access.prefixes.map((prefix) => `left(${column}, ${param(prefix.length)}) = ${param(prefix)}`),
  ];
  return anyOf.length > 0 ? `(${anyOf.join(' OR ')})` : 'false';
}
