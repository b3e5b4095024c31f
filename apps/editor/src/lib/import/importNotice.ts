import type { ImportDocumentResponse } from '@tandem/crdt-bridge';

// The import answers on Home, but the person reads the result on the document it opens:
// the message waits here, by document id, until that page takes it (once).

const waiting = new Map<string, string>();

/** Keeps an import's message for its document's page, when the import kept anything in another form. */
export function rememberImportNotice(imported: ImportDocumentResponse): void {
  if (Object.keys(imported.kept).length > 0) waiting.set(imported.id, imported.message);
}

/** The message waiting for document `docId`, if any; it is given once. */
export function takeImportNotice(docId: string): string | null {
  const message = waiting.get(docId) ?? null;
  waiting.delete(docId);
  return message;
}
