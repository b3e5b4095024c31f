/**
 * Raised by a write of a document this node no longer owns: another node claimed it
 * (its ownership epoch is higher than the one the write carried), or it was deleted.
 * Nothing of the write was stored. Retrying cannot help; the room must close and its
 * clients reconnect to the new owner, where their unacknowledged changes come back.
 */
export class FencedOut extends Error {
  override readonly name: string = 'FencedOut';
  constructor(
    readonly docId: string,
    /** The epoch the refused write carried. */
    readonly epoch: number,
  ) {
    super(`document ${docId} is no longer owned by this node (its write carried ownership epoch ${epoch})`);
  }
}

/** Whether `error` is a {@link FencedOut}. */
export function isFencedOut(error: unknown): error is FencedOut {
  return error instanceof FencedOut;
}

/**
 * Raised by a claim of a document another live node owns (cluster mode): this node must
 * not run it, and forwards its clients' traffic to `owner` instead.
 */
export class OwnedElsewhere extends FencedOut {
  override readonly name = 'OwnedElsewhere';
  constructor(
    docId: string,
    /** The node that owns the document now. */
    readonly owner: string,
  ) {
    super(docId, 0);
    this.message = `document ${docId} is owned by node ${owner}`;
  }
}
