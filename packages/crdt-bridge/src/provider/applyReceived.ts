import * as Y from 'yjs';

type UpdateListener = (update: Uint8Array, origin: unknown, doc: Y.Doc, transaction: Y.Transaction) => void;

/** Whether a transaction changed anything (what Yjs checks before it emits `update`). */
function changedAnything(transaction: Y.Transaction): boolean {
  if (transaction.deleteSet.clients.size > 0) return true;
  for (const [client, clock] of transaction.afterState) if (transaction.beforeState.get(client) !== clock) return true;
  return false;
}

/**
 * Applies an update that came from the server, handing the doc's `update` listeners the bytes
 * as received instead of letting Yjs encode the transaction again for them.
 *
 * Yjs encodes every transaction for its `update` listeners. For a change that arrived as bytes
 * that is pure waste, and opening a document pays it for the whole document: a 100k-character
 * document spent ~30–60 ms of its first second writing out the state it had just read (for the
 * local copy in IndexedDB, which stores the bytes as they are). The listeners get the received
 * bytes (a superset of what the transaction integrated: parts still missing their
 * dependencies are included, which every listener here stores or ignores). Transactions that
 * observers start during the apply (local fixes) are encoded and emitted by Yjs as usual, after
 * the received update, so their order is kept.
 */
export function applyReceivedUpdate(doc: Y.Doc, update: Uint8Array, origin: unknown): void {
  // Yjs keeps its listeners in lib0's `_observers`, which its typings do not show.
  const observers = (doc as unknown as { _observers: Map<string, Set<UpdateListener>> })._observers;
  if (!observers.has('update')) {
    Y.applyUpdate(doc, update, origin);
    return;
  }
  let received: Y.Transaction | null = null;
  let held: Set<UpdateListener> | null = null;
  // Runs right before Yjs decides whether to encode this transaction for `update` listeners.
  const hold = (transaction: Y.Transaction): void => {
    if (transaction.origin !== origin || received !== null) return;
    received = transaction;
    held = observers.get('update') ?? null;
    observers.delete('update');
  };
  // Runs once that decision is past: before the next transaction's cleanup, or after the last.
  const release = (): void => {
    if (held === null || received === null) return;
    const listeners = held;
    held = null;
    for (const added of observers.get('update') ?? []) listeners.add(added);
    observers.set('update', listeners);
    if (changedAnything(received)) for (const listener of [...listeners]) listener(update, origin, doc, received);
  };
  doc.on('afterTransactionCleanup', hold);
  doc.on('beforeObserverCalls', release);
  doc.on('afterAllTransactions', release);
  try {
    Y.applyUpdate(doc, update, origin);
  } finally {
    release();
    doc.off('afterTransactionCleanup', hold);
    doc.off('beforeObserverCalls', release);
    doc.off('afterAllTransactions', release);
  }
}
