/** Changes kept after the last whole encoding before it is dropped (each is one more part a worker applies). */
const MAX_CHANGES_SINCE = 1_000;

/**
 * A room's whole state as last encoded, and the document's changes since, in order. A
 * newcomer's full state is encoded at most once per change; work handed to a worker (a
 * diff with the live document, a restore, an export) takes the encoding and the changes
 * as they are — applied in order they are the state — so a multi-MB document is not
 * encoded again on the event loop each time someone diffs or restores it.
 */
export class EncodedState {
  private encoded: Uint8Array | null;
  private since: Uint8Array[] = [];
  private sinceBytes = 0;

  constructor(initial: Uint8Array | null) {
    this.encoded = initial;
  }

  /** Follows a change of the document (every one, in order, but for stored content being applied). */
  changed(update: Uint8Array): void {
    if (this.encoded === null) return;
    this.since.push(update);
    this.sinceBytes += update.byteLength;
    // Past this, keeping the encoding costs more memory than it saves: the next reader encodes afresh.
    if (this.since.length > MAX_CHANGES_SINCE || this.sinceBytes > this.encoded.byteLength) this.reset(null);
  }

  /** The whole state as one update; `encode` makes it when the document changed since the last encoding. */
  whole(encode: () => Uint8Array): Uint8Array {
    if (this.encoded === null || this.since.length > 0) this.reset(encode());
    return this.encoded!;
  }

  /** The state as updates to apply in order: the last encoding (made with `encode` if there is none) and the changes since. */
  parts(encode: () => Uint8Array): Uint8Array[] {
    if (this.encoded === null) this.reset(encode());
    return [this.encoded!, ...this.since];
  }

  /** The parts {@link parts} would give, or null when that needs an encoding first. */
  partsIfEncoded(): Uint8Array[] | null {
    return this.encoded === null ? null : [this.encoded, ...this.since];
  }

  private reset(encoded: Uint8Array | null): void {
    this.encoded = encoded;
    this.since = [];
    this.sinceBytes = 0;
  }
}
