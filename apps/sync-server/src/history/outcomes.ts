/** Why history could not do what was asked (the HTTP routes turn each into a status and a code). */
export type HistoryRefusalKind =
  /** The store keeps no history. */
  | 'history-unavailable'
  /** The document has no such version. */
  | 'no-version'
  /** A diff names a version to compare with that the document does not have. */
  | 'no-other-version'
  /** A block restore names a block the version does not have. */
  | 'invalid-block'
  /** The history is over its budget and what is left is named or pinned. */
  | 'history-full'
  /** The document was unloaded while a restore was under way. */
  | 'unloaded';

/** A request history refuses, in words for the person who asked. */
export interface HistoryRefusal {
  refused: HistoryRefusalKind;
  message: string;
}

/** A refusal of `kind`, saying `message`. */
export function refusal(kind: HistoryRefusalKind, message: string): HistoryRefusal {
  return { refused: kind, message };
}

/** Whether an outcome is a refusal. */
export function isRefusal(outcome: unknown): outcome is HistoryRefusal {
  return typeof outcome === 'object' && outcome !== null && 'refused' in outcome;
}

/** The refusal for a version a document does not have. */
export function noVersion(docId: string, id: number): HistoryRefusal {
  return refusal('no-version', `Document ${docId} has no version ${id}.`);
}
