import type { DocumentAccess } from '../DocumentStore.js';

/** The SQL condition that keeps the documents `access` covers; `param` adds a parameter and names it ($n). */
export function pgAccessCondition(access: DocumentAccess, param: (value: unknown) => string): string {
  if (access.all) return 'true';
  const anyOf = [
    ...(access.ids.length > 0 ? [`id = ANY(${param(access.ids)}::text[])`] : []),
    ...access.prefixes.map((prefix) => `left(id, ${param(prefix.length)}) = ${param(prefix)}`),
  ];
  return anyOf.length > 0 ? `(${anyOf.join(' OR ')})` : 'false';
}
