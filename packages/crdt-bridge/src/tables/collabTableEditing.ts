import { Plugin, type Transaction } from 'prosemirror-state';
import { tableEditing } from 'prosemirror-tables';
import { ySyncPluginKey } from 'y-prosemirror';

/** Whether `tr` brings a collaborator's change (or the document's first load) from Yjs. */
export function isRemoteChange(tr: Transaction): boolean {
  const sync = tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined;
  return sync?.isChangeOrigin === true;
}

/**
 * prosemirror-tables' `tableEditing`, except that it never repairs a table in answer to a
 * remote change. Its `fixTables` appends a local transaction that fills out rows left short
 * (as when one person adds a column while another adds a row). Run on remote changes, every
 * client would append the same repair at once, Yjs would keep all of them, rows would come
 * out too long, and the clients would answer each other's repairs again and again. Run only
 * on this person's own edits, a table a merge left ragged is repaired once, by the next
 * person who edits it, and a repair never causes another.
 */
export function collabTableEditing(): Plugin {
  const base = tableEditing();
  const repair = base.spec.appendTransaction;
  return new Plugin({
    ...base.spec,
    appendTransaction(transactions, oldState, newState) {
      if (!repair || transactions.every(isRemoteChange)) return null;
      try {
        return repair.call(this, transactions, oldState, newState);
      } catch (error) {
        // A repair the schema refuses (prosemirror-tables can compute a zero span for tables
        // it never made) must not make every keystroke in that table fail: leave it as it is.
        if (error instanceof RangeError) return null;
        throw error;
      }
    },
  });
}
