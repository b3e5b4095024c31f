import { ObservableV2 } from 'lib0/observable';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { ErrorCode, type DocError } from '../protocol/errors.js';
import type { AckResult, Role } from '../protocol/events.js';
import { decodeSyncMessage, encodeStep1, encodeStep2FromUpdate, encodeUpdate } from '../protocol/messages.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';
import { applyReceivedUpdate } from './applyReceived.js';
import { RemoteBatch, type RemoteScheduler } from './RemoteBatch.js';
import { sameStatus, type SessionStatus } from './status.js';
import type { TandemSocket } from './socket.js';

/** Errors after which a session stops syncing: the document is gone (or in Trash), or access was withdrawn. */
const STOPS_SYNCING: ReadonlySet<string> = new Set([
  ErrorCode.DocumentDeleted,
  ErrorCode.DocumentInTrash,
  ErrorCode.AccessRevoked,
]);

/** Events a {@link DocSession} emits. */
export interface DocSessionEvents {
  status: (status: SessionStatus) => void;
  /** Fired each time the session (re)completes a sync with the server. */
  synced: () => void;
  /** Fired when the last unsaved change is acknowledged as stored. */
  saved: () => void;
}

/** What a session needs from the client that owns it. */
export interface SessionHost {
  readonly socket: TandemSocket;
  /** Whether the socket has ever connected, to tell "connecting" from "offline". */
  readonly hasConnected: boolean;
  /** This client's secret session key (see JoinRequest.sessionKey). */
  readonly sessionKey: string;
  /** Called when the session is destroyed, so the host forgets it. */
  release(session: DocSession): void;
}

interface PendingAck {
  sentAt: number;
}

/**
 * One open document on a {@link TandemClient} connection: joins its room, keeps
 * the Y.Doc in sync both ways, relays awareness, and tracks what is saved.
 */
export class DocSession extends ObservableV2<DocSessionEvents> {
  readonly docId: string;
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness | null;
  private readonly host: SessionHost;
  /** Incremented on every (re)join so acknowledgements from an older connection are ignored. */
  private generation = 0;
  private joined = false;
  private synced = false;
  private destroyed = false;
  /** Set when the server says the document was deleted: never rejoin (that would recreate it). */
  private deleted = false;
  /** Changes made while not joined; the next sync step 2 carries them. */
  private dirty = false;
  private readonly pending = new Map<number, PendingAck>();
  private nextAckId = 1;
  private lastError: DocError | null = null;
  private role: Role | null = null;
  private lastStatus: SessionStatus;
  /** Remote changes held for the next flush, when the owner asked for batching. */
  private batch: RemoteBatch | null = null;

  constructor(host: SessionHost, docId: string, doc: Y.Doc, awareness: awarenessProtocol.Awareness | null) {
    super();
    this.host = host;
    this.docId = docId;
    this.doc = doc;
    this.awareness = awareness;
    this.lastStatus = this.computeStatus();
    doc.on('update', this.onDocUpdate);
    awareness?.on('update', this.onAwarenessUpdate);
  }

  /** The current status; subscribe to `status` for changes. */
  get status(): SessionStatus {
    return this.lastStatus;
  }

  /** Resolves once this session has synced with the server (now, if it already has). */
  whenSynced(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.once('synced', resolve));
  }

  /** Resolves once every local change so far is acknowledged as stored. */
  whenSaved(): Promise<void> {
    if (this.lastStatus.save === 'saved') return Promise.resolve();
    return new Promise((resolve) => this.once('saved', resolve));
  }

  /** Send time of the oldest change still waiting for its acknowledgement, if any. */
  oldestPendingSince(): number | null {
    let oldest: number | null = null;
    for (const { sentAt } of this.pending.values()) if (oldest === null || sentAt < oldest) oldest = sentAt;
    return oldest;
  }

  /** Called by the client when its socket (re)connects: join and sync. */
  handleConnect(): void {
    if (this.destroyed || this.deleted) return;
    const generation = ++this.generation;
    const request = { docId: this.docId, protocol: PROTOCOL_VERSION, sessionKey: this.host.sessionKey };
    this.host.socket.emit('join', request, (result: AckResult) => {
      if (generation !== this.generation || this.destroyed) return;
      if (!result.ok) {
        // A document deleted (or in Trash) before this join is as gone as one deleted while open.
        if (STOPS_SYNCING.has(result.error.code)) return this.handleError(result.error);
        this.lastError = result.error;
        this.refreshStatus();
        return;
      }
      this.joined = true;
      this.lastError = null;
      this.role = result.role ?? null;
      const presence = this.awareness?.getLocalState();
      // Re-setting the state bumps its clock, so the server and peers that saw us leave accept it as new.
      if (presence) this.awareness!.setLocalState(presence);
      this.refreshStatus();
    });
    // Step 1 goes right behind the join (the server holds it until the join is done), saving a
    // round trip when a document opens. Its outcome adds nothing: a refused join says why itself.
    this.host.socket.emit('sync', this.docId, encodeStep1(this.doc), () => undefined);
    this.refreshStatus();
  }

  /** Called by the client when its socket drops: everything unacknowledged becomes unsaved. */
  handleDisconnect(): void {
    // What the server sent is still the document's; the presence left with the room.
    this.batch?.dropAwareness();
    this.batch?.flush();
    this.generation++;
    this.joined = false;
    this.synced = false;
    if (this.pending.size > 0) this.dirty = true;
    this.pending.clear();
    this.forgetOthers();
    this.refreshStatus();
  }

  /** Drops everyone else's presence: without a room, nobody's caret or avatar is live here. */
  private forgetOthers(): void {
    if (!this.awareness) return;
    const others = [...this.awareness.getStates().keys()].filter((id) => id !== this.doc.clientID);
    awarenessProtocol.removeAwarenessStates(this.awareness, others, this);
  }

  /**
   * Holds remote updates and awareness until `schedule` calls back, then applies them as one
   * Yjs transaction and one awareness change (an editor passes "next animation frame", so
   * y-prosemirror redraws once per frame however many people typed); null applies each at once.
   */
  batchRemoteChanges(schedule: RemoteScheduler | null): void {
    this.batch?.flush();
    this.batch = schedule
      ? new RemoteBatch(schedule, {
          updates: (updates) => this.applyRemote(updates),
          awareness: (update) => this.applyAwareness(update),
        })
      : null;
  }

  /** Handles a sync message the server sent for this document. */
  handleSync(bytes: Uint8Array): void {
    if (!this.joined) return;
    const message = decodeSyncMessage(bytes);
    // Held updates came first: apply them before anything that reads or extends the document.
    if (message.type !== 'update') this.batch?.flush();
    switch (message.type) {
      case 'step1': {
        const generation = this.generation;
        const update = Y.encodeStateAsUpdate(this.doc, message.stateVector);
        // The delete set is always sent whole, so "nothing new" means: no new items and no offline edits.
        const nothingNew = !this.dirty && Y.parseUpdateMeta(update).to.size === 0;
        this.dirty = false;
        // Answer without counting an unsaved change when there is nothing to save (no "Saving…" flash).
        const id = nothingNew ? null : this.trackPending();
        this.host.socket.emit('sync', this.docId, encodeStep2FromUpdate(update), this.ackHandler(generation, id));
        break;
      }
      case 'step2':
        this.applyRemote([message.update]);
        if (!this.synced) {
          this.synced = true;
          this.emit('synced', []);
        }
        break;
      case 'update':
        if (this.batch) this.batch.pushUpdate(message.update);
        else this.applyRemote([message.update]);
        break;
    }
    this.refreshStatus();
  }

  /**
   * Called right before a change from the server is applied, e.g. so an editor can
   * first read input it has not processed yet (see apps/editor's CollabDocument).
   */
  beforeRemoteChange: (() => void) | null = null;

  /** Applies `updates` in one Yjs transaction: observers (the editor's binding) see one change. */
  private applyRemote(updates: readonly Uint8Array[]): void {
    this.beforeRemoteChange?.();
    // One update (a sync step, or a frame with one change) reaches update listeners as received.
    if (updates.length === 1) return applyReceivedUpdate(this.doc, updates[0]!, this);
    Y.transact(this.doc, () => updates.forEach((update) => Y.applyUpdate(this.doc, update, this)), this);
  }

  /** Handles an awareness update the server relayed for this document. */
  handleAwareness(bytes: Uint8Array): void {
    if (!this.joined || !this.awareness) return;
    if (this.batch) this.batch.pushAwareness(bytes);
    else this.applyAwareness(bytes);
  }

  private applyAwareness(bytes: Uint8Array): void {
    // Held presence may outlive the room it came from.
    if (!this.joined || !this.awareness) return;
    awarenessProtocol.applyAwarenessUpdate(this.awareness, bytes, this);
  }

  /** Handles an error the server reported for this document outside an acknowledgement. */
  handleError(error: DocError): void {
    // A deleted document stays deleted: a refusal of something that crossed the deletion says nothing new.
    if (this.deleted) return;
    // Storage trouble concerns changes waiting to be stored. With none waiting there is
    // nothing to warn about, and no acknowledgement would ever come to clear the warning.
    if (error.code === ErrorCode.StorageUnavailable && this.pending.size === 0) return;
    // A withdrawn link is as final for this session: its connection is closed and stays closed.
    // A document in Trash stops syncing too, until `resume()` after it is restored.
    if (STOPS_SYNCING.has(error.code)) {
      this.deleted = true;
      this.joined = false;
      this.synced = false;
      this.generation++;
      this.pending.clear();
      this.forgetOthers();
    }
    this.lastError = error;
    this.refreshStatus();
  }

  /** Leaves the document and stops syncing; the Y.Doc itself is left to its owner. */
  override destroy(): void {
    if (this.destroyed) return;
    this.batch?.dropAwareness();
    this.batch?.flush();
    this.batch = null;
    this.destroyed = true;
    this.doc.off('update', this.onDocUpdate);
    this.awareness?.off('update', this.onAwarenessUpdate);
    if (this.joined) this.host.socket.emit('leave', this.docId);
    this.joined = false;
    this.host.release(this);
    super.destroy();
  }

  /** Whether the server deleted this document (or moved it to Trash, or withdrew access); the session no longer syncs. */
  get isDeleted(): boolean {
    return this.deleted;
  }

  /**
   * Joins and syncs again after the document was restored from Trash. Does nothing unless
   * the session stopped because the document was in Trash.
   */
  resume(): void {
    if (this.destroyed || !this.deleted || this.lastError?.code !== ErrorCode.DocumentInTrash) return;
    this.deleted = false;
    this.lastError = null;
    if (this.host.socket.connected) this.handleConnect();
    else this.refreshStatus();
  }

  private readonly onDocUpdate = (
    update: Uint8Array,
    origin: unknown,
    _doc: Y.Doc,
    transaction: Y.Transaction,
  ): void => {
    if (origin === this || this.deleted) return;
    if (this.joined) {
      const id = this.trackPending();
      // Only this client's own editing goes as an "update" (the server binds the client ids it
      // writes under to this session); content applied from elsewhere, e.g. a local copy that
      // may hold other people's edits, goes as a step 2, which claims nothing.
      const message = transaction.local ? encodeUpdate(update) : encodeStep2FromUpdate(update);
      this.host.socket.emit('sync', this.docId, message, this.ackHandler(this.generation, id));
    } else {
      this.dirty = true;
    }
    this.refreshStatus();
  };

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin === this || !this.joined || !this.awareness) return;
    const changed = [...added, ...updated, ...removed].filter((id) => id === this.doc.clientID);
    if (changed.length === 0) return;
    this.host.socket.emit('awareness', this.docId, awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
  };

  private trackPending(): number {
    const id = this.nextAckId++;
    this.pending.set(id, { sentAt: Date.now() });
    return id;
  }

  private ackHandler(generation: number, id: number | null): (result: AckResult) => void {
    return (result) => {
      if (generation !== this.generation || this.destroyed) return;
      if (id !== null) this.pending.delete(id);
      if (result.ok) {
        if (this.lastError?.code === ErrorCode.StorageUnavailable) this.lastError = null;
      } else if (result.error.code === ErrorCode.MissingDependencies) {
        // The server follows this with its own step 1; our step 2 answer will carry the change,
        // which is not saved until that answer is acknowledged.
        this.dirty = true;
      } else {
        // The change was refused and will not be stored; keep it local and say so.
        this.dirty = true;
        this.lastError = result.error;
      }
      this.refreshStatus();
    };
  }

  private computeStatus(): SessionStatus {
    const connected = this.host.socket.connected;
    const connection = !connected
      ? this.host.hasConnected
        ? 'offline'
        : 'connecting'
      : this.synced
        ? 'synced'
        : 'syncing';
    const unsavedChanges = this.pending.size + (this.dirty ? 1 : 0);
    return {
      connection,
      save: unsavedChanges > 0 ? 'saving' : 'saved',
      unsavedChanges,
      error: this.lastError,
      role: this.role,
    };
  }

  /** Recomputes the status and tells subscribers when it changed. */
  refreshStatus(): void {
    const next = this.computeStatus();
    if (sameStatus(next, this.lastStatus)) return;
    const wasSaving = this.lastStatus.save === 'saving';
    this.lastStatus = next;
    this.emit('status', [next]);
    if (wasSaving && next.save === 'saved') this.emit('saved', []);
  }
}
