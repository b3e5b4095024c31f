/** A document in Trash (`GET /api/trash`, `GET /api/trash/<id>`, and what `DELETE /api/docs/<id>` returns). */
export interface TrashEntryJSON {
  id: string;
  /** Its title when it was deleted; "" when it had none. */
  title: string;
  /** ISO time it was moved to Trash. */
  trashedAt: string;
  /** The name of who deleted it; "" when unknown (open mode). */
  trashedBy: string;
  /** ISO time it will be deleted for good, unless restored before. */
  deleteAt: string;
  /** What the asker may do with it: restore (editors and owners), delete for good (owners). */
  canRestore: boolean;
  canDeleteForever: boolean;
}

/** `GET /api/trash`: the documents in Trash the asker may see, most recently deleted first. */
export interface TrashListJSON {
  documents: TrashEntryJSON[];
}
