import * as Y from 'yjs';

/** Finds an item by id: among the update's own items (binary search per client), then in the document. */
export class ItemIndex {
  private readonly byClient = new Map<number, Y.Item[]>();
  private sorted = true;

  constructor(private readonly doc: Y.Doc) {}

  /** Adds an item of the update. */
  add(item: Y.Item): void {
    const list = this.byClient.get(item.id.client);
    if (!list) this.byClient.set(item.id.client, [item]);
    else {
      // Yjs writes each client's structs in clock order; a crafted update need not.
      if (list[list.length - 1]!.id.clock > item.id.clock) this.sorted = false;
      list.push(item);
    }
  }

  /** The item holding `id`, or null when neither the update nor the document has it. */
  find(id: Y.ID): Y.Item | null {
    if (!this.sorted) {
      for (const items of this.byClient.values()) items.sort((a, b) => a.id.clock - b.id.clock);
      this.sorted = true;
    }
    const list = this.byClient.get(id.client);
    if (list) {
      let lo = 0;
      let hi = list.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const item = list[mid]!;
        if (id.clock < item.id.clock) hi = mid - 1;
        else if (id.clock >= item.id.clock + item.length) lo = mid + 1;
        else return item;
      }
    }
    try {
      const found = Y.getItem(this.doc.store, id) as Y.Item | Y.GC | undefined;
      return found instanceof Y.Item ? found : null;
    } catch {
      return null; // Not in the document: a missing dependency, which applying will report.
    }
  }
}
