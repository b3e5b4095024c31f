import * as Y from 'yjs';

/**
 * The origin a restore's update is applied with when the restorer's editor integrates it
 * itself (its own copy arrived over HTTP before the socket's): tracked by the undo manager.
 */
export const RESTORE_ORIGIN = Object.freeze({ source: 'restore' as const });

/**
 * The origin the rest of a restore's update is applied with when its structs are here already but
 * not all of it may be: the socket's copy can still be held for the next frame, or arrive in parts.
 * Not tracked by the undo manager (the step is described to it instead).
 */
const RESTORE_ARRIVED_ORIGIN = Object.freeze({ source: 'restore-arrived' as const });

/** The part of Yjs's UndoManager a restore needs (structural, so tests can hand a real one). */
type UndoManager = Y.UndoManager;

/** Decodes the base64 update a restore answered with. */
export function updateFromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Runs a restore so that it becomes one step of `undoManager`'s history: undo then brings
 * back exactly the document as it was before the restore, and redo the restore.
 *
 * Why this is needed: the server applies the restore and relays it like anyone's edit, so
 * it reaches this editor as a collaborator's change, which the undo manager neither
 * records nor keeps the deleted content of. Undo would then replay this person's earlier
 * steps against content the restore had replaced (re-inserting what the restore already
 * put back: duplicated text). So while the request runs, content deleted in this document
 * is kept (not garbage-collected), and once the restore's update is known it is recorded
 * as a step of its own.
 */
export async function undoableRestore<T extends { update: string | null }>(
  doc: Y.Doc,
  undoManager: UndoManager | null,
  request: () => Promise<T>,
): Promise<T> {
  if (!undoManager) {
    const result = await request();
    // What the restore did must be in this document before anyone reads it (its notice does).
    if (result.update) Y.applyUpdate(doc, updateFromBase64(result.update), RESTORE_ARRIVED_ORIGIN);
    return result;
  }
  undoManager.stopCapturing();
  const gcFilter = doc.gcFilter;
  doc.gcFilter = () => false;
  try {
    const result = await request();
    if (result.update) recordRestore(doc, undoManager, updateFromBase64(result.update));
    return result;
  } finally {
    doc.gcFilter = gcFilter;
  }
}

/**
 * Records a restore's update as one undo step: applied here under a tracked origin when it
 * has not arrived yet, else described to the undo manager as what it inserted and deleted.
 */
export function recordRestore(doc: Y.Doc, undoManager: UndoManager, update: Uint8Array): void {
  const { structs, ds } = Y.decodeUpdate(update);
  const insertions = Y.createDeleteSet();
  let integrated = true;
  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue;
    const { client, clock } = struct.id;
    if (Y.getState(doc.store, client) < clock + struct.length) integrated = false;
    const ranges = insertions.clients.get(client) ?? [];
    ranges.push({ clock, len: struct.length });
    insertions.clients.set(client, ranges);
  }
  undoManager.stopCapturing();
  if (!integrated) {
    undoManager.addTrackedOrigin(RESTORE_ORIGIN);
    Y.applyUpdate(doc, update, RESTORE_ORIGIN);
    undoManager.stopCapturing();
    return;
  }
  // Its deletions may not be here yet (they carry no structs to check); applying again is a no-op.
  Y.applyUpdate(doc, update, RESTORE_ARRIVED_ORIGIN);
  const stackItem = { insertions, deletions: ds, meta: new Map<unknown, unknown>() };
  undoManager.undoStack.push(stackItem);
  undoManager.redoStack = [];
  undoManager.emit('stack-item-added', [
    { stackItem, origin: RESTORE_ORIGIN, type: 'undo', changedParentTypes: new Map() },
    undoManager,
  ]);
}
