import type { Logger } from 'pino';
import * as Y from 'yjs';
import type { StoredDocument } from '../storage/DocumentStore.js';
import type { Outgoing, RoomAudience } from './audience.js';
import { ChangeFanout, type ChangeListener, type RoomJournal } from './ChangeFanout.js';
import { ContentIntake } from './ContentIntake.js';
import { EncodedState } from './EncodedState.js';
import type { Member } from './Member.js';
import { LOAD_ORIGIN } from './origins.js';
import { RoomPresence } from './RoomPresence.js';
import type { ApplyResult, PresenceResult } from './results.js';
import { StoredState } from './StoredState.js';
import { UpdatePolicy } from './UpdatePolicy.js';

export type { ApplyResult, PresenceResult, Refusal } from './results.js';
export type { ChangeListener, RoomJournal } from './ChangeFanout.js';

/** What a room needs from the server around it. */
export interface RoomDeps {
  /** Everyone in the room, as the room reaches them. */
  audience: RoomAudience;
  journal: RoomJournal;
  log: Logger;
  /** Splits a large update into parts, off the event loop (see ContentIntake); null when malformed. */
  splitUpdate: (update: Uint8Array) => Promise<Uint8Array[] | null>;
}

/**
 * A loaded document: its Y.Doc and the people in it. It is a composition — the stored
 * row held unapplied until needed (StoredState), presence (RoomPresence), the intake of
 * clients' updates (ContentIntake), where every change goes (ChangeFanout) — around one
 * rule: every change, whoever makes it, goes through the Y.Doc, and what is stored and
 * relayed is what the Y.Doc emits, never a client's raw bytes. The room reaches people
 * only through its audience port.
 */
export class Room {
  private readonly ydoc = new Y.Doc({ gc: true });
  /** The stored row while it is not applied to `ydoc`; null once it is (or when there were several rows). */
  private stored: StoredState | null;
  private readonly members_ = new Map<string, Member>();
  /** Connected members per session key, to tell whether a session is live. */
  private readonly liveKeys = new Map<string, number>();
  private readonly presence: RoomPresence;
  private readonly intake: ContentIntake;
  private readonly policy: UpdatePolicy;
  private readonly changes: ChangeFanout;
  private readonly destroyListeners = new Set<() => void>();
  /** The whole state as last encoded and the changes since (cheap joins for newcomers, no encoding for workers). */
  private readonly encoded: EncodedState;
  private destroyed = false;

  constructor(
    readonly id: string,
    stored: StoredDocument,
    private readonly deps: RoomDeps,
  ) {
    this.stored = StoredState.of(stored);
    this.encoded = new EncodedState(this.stored?.state ?? null);
    if (!this.stored) this.applyRows(stored.updates);
    this.changes = new ChangeFanout(this.ydoc, id, deps.journal, deps.audience);
    // First of the subscribers, so none of them is served the state from before the change.
    this.changes.subscribe((update) => this.encoded.changed(update));
    this.presence = new RoomPresence(this.ydoc, {
      docId: id,
      audience: deps.audience,
      log: deps.log,
      isMember: (member) => this.members_.get(member.id) === member,
    });
    this.policy = new UpdatePolicy({
      content: () => this.content(),
      fullState: () => this.fullState(),
      splitUpdate: deps.splitUpdate,
      isDestroyed: () => this.destroyed,
    });
    this.intake = new ContentIntake({
      docId: id,
      log: deps.log,
      content: () => this.content(),
      stored: () => this.stored,
      presenceOwner: (clientId) => {
        const owner = this.presence.ownerOf(clientId);
        return owner && owner.caughtUp && this.members_.get(owner.id) === owner ? owner : null;
      },
      isLive: (key) => this.liveKeys.has(key),
      ticket: () => deps.journal.ticket(),
      splitUpdate: deps.splitUpdate,
      isDestroyed: () => this.destroyed,
      policy: this.policy,
    });
  }

  /** The connections in the room, by id. */
  get members(): ReadonlyMap<string, Member> {
    return this.members_;
  }

  /** Whether the room was destroyed (unloaded or its document deleted). */
  get isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Whether the stored content is applied to the document (it is on first call of {@link content}). */
  get contentLoaded(): boolean {
    return this.stored === null;
  }

  /**
   * The room's document with everything stored in it: a document loaded from one compacted
   * row is applied here, on the first call, rather than at load. Call it for anything that
   * reads or changes the content; joins are answered without it.
   */
  content(): Y.Doc {
    if (this.stored && !this.destroyed) {
      const { state } = this.stored;
      this.stored = null;
      this.applyRows([state]);
    }
    return this.ydoc;
  }

  /** What a client whose state vector is `stateVector` lacks, as a V1 update (from the stored row while it is unapplied). */
  missingFor(stateVector: Uint8Array): Uint8Array {
    if (Y.decodeStateVector(stateVector).size === 0) return this.fullState();
    if (this.stored && !this.destroyed) return this.stored.missingFor(stateVector);
    return Y.encodeStateAsUpdate(this.ydoc, stateVector);
  }

  /** The document's state vector (for sync step 1), without applying stored content. */
  stateVector(): Uint8Array {
    if (this.stored && !this.destroyed) return this.stored.stateVector();
    return Y.encodeStateVector(this.ydoc);
  }

  /**
   * Everything the document holds, as one V1 update: what a client that has nothing
   * needs. Encoded once per change of the document, however many people open it.
   */
  fullState(): Uint8Array {
    return this.encoded.whole(() => Y.encodeStateAsUpdate(this.content()));
  }

  /**
   * Everything the document holds as V1 updates to apply in order (the last whole encoding
   * and the changes since): for work on a worker, which applies them, so the event loop does
   * not encode a multi-MB document again after each change.
   */
  stateParts(): Uint8Array[] {
    return this.encoded.parts(() => Y.encodeStateAsUpdate(this.content()));
  }

  /** The parts {@link stateParts} gives when it need not encode anything first, else null. */
  encodedStateParts(): Uint8Array[] | null {
    return this.encoded.partsIfEncoded();
  }

  /** Applies a client's update (see ContentIntake): refused, or applied with the ticket to acknowledge on. */
  submitClientUpdate(
    update: Uint8Array,
    member: Member,
    kind: 'step2' | 'update' = 'update',
  ): ApplyResult | Promise<ApplyResult> {
    return this.intake.submit(update, member, kind);
  }

  /** Applies a member's presence update (see RoomPresence). */
  applyAwareness(update: Uint8Array, member: Member, stampName?: string): PresenceResult {
    return this.presence.apply(update, member, stampName);
  }

  /** Encoded presence of everyone in the room, or null when nobody has presence. */
  encodeAllAwareness(): Uint8Array | null {
    return this.presence.encodeAll();
  }

  /** The presence state a member announced for `clientId`, while the member owns it. */
  presenceOf(member: Member, clientId: number): Record<string, unknown> | null {
    return this.presence.ownerOf(clientId) === member ? this.presence.stateOf(clientId) : null;
  }

  /** Sends `message` to everyone in the room (a notice about the document, e.g. that it was deleted). */
  tellEveryone(message: Outgoing): void {
    this.deps.audience.broadcast(message);
  }

  /** Closes every member's connection; they reconnect and resync wherever the document is run now. */
  closeConnections(): void {
    this.deps.audience.disconnectAll();
  }

  /** Adds a connection to the room. */
  addMember(member: Member): void {
    this.members_.set(member.id, member);
    this.liveKeys.set(member.key, (this.liveKeys.get(member.key) ?? 0) + 1);
    this.deps.audience.add(member);
  }

  /** Removes a connection and, at once, every presence state it announced. */
  removeMember(memberId: string): Member | undefined {
    const member = this.members_.get(memberId);
    if (!member) return undefined;
    this.members_.delete(memberId);
    const live = (this.liveKeys.get(member.key) ?? 1) - 1;
    if (live > 0) this.liveKeys.set(member.key, live);
    else this.liveKeys.delete(member.key);
    this.deps.audience.remove(member);
    this.presence.removeMember(member);
    this.policy.membersChanged(this.members_.values());
    return member;
  }

  /**
   * Calls `listener` with every change to the document, but for stored content being
   * applied (which is already stored); returns a function that stops it.
   */
  onChange(listener: ChangeListener): () => void {
    return this.changes.subscribe(listener);
  }

  /** Calls `listener` when the room is destroyed (unloaded, deleted, shut down). */
  onDestroy(listener: () => void): void {
    this.destroyListeners.add(listener);
  }

  /** Stops all work on this room; it must not be used afterwards. */
  destroy(): void {
    if (this.destroyed) return;
    for (const listener of this.destroyListeners) listener();
    this.destroyed = true;
    this.policy.drop();
    this.presence.destroy();
    this.ydoc.destroy();
  }

  private applyRows(updates: readonly Uint8Array[]): void {
    Y.transact(
      this.ydoc,
      () => {
        for (const update of updates) Y.applyUpdate(this.ydoc, update);
      },
      LOAD_ORIGIN,
    );
  }
}
