import type { DocumentAccess } from './DocumentStore.js';

/** The SQL condition (and its parameters) that keeps the documents `access` covers. */
export function accessCondition(access: DocumentAccess): { sql: string; params: unknown[] } {
  if (access.all) return { sql: '1', params: [] };
  const anyOf = [
    ...(access.ids.length > 0 ? [`id IN (${access.ids.map(() => '?').join(', ')})`] : []),
    // substr, not LIKE: "_" is a valid id character and a LIKE wildcard.
    ...access.prefixes.map(() => 'substr(id, 1, ?) = ?'),
  ];
  return {
    sql: anyOf.length > 0 ? `(${anyOf.join(' OR ')})` : '0',
    params: [...access.ids, ...access.prefixes.flatMap((prefix) => [prefix.length, prefix])],
  };
}
