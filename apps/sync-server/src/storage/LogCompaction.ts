import type { Logger } from 'pino';
import * as Y from 'yjs';
import type { Room } from '../rooms/Room.js';
import type { RoomRegistry } from '../rooms/RoomRegistry.js';
import type { DocumentStore, StoredDocument } from './DocumentStore.js';
import type { CommittedWrites, WriteQueue } from './WriteQueue.js';

/** When a document's update log is compacted. */
export interface CompactionOptions {
  /** Compact a document's log once it has this many rows… */
  compactRows: number;
  /** …or this many bytes beyond its last compacted state. */
  compactBytes: number;
}

/** What is known of one loaded document's log. */
interface LogState {
  /** The room whose log this is (a document unloaded and loaded again gets a new one). */
  room: Room;
  rows: number;
  bytes: number;
  /** Highest sequence number the room's state covers. */
  lastSeq: number;
  /** Bytes of the last compacted state, so big documents are not compacted on every write. */
  compactedBytes: number;
  /** The compaction under way, if any; another waits for it. */
  compacting: Promise<void> | null;
}

/**
 * Keeps each loaded document's update log short: it follows commits (rows and bytes
 * appended) and, past a threshold, stores the room's in-memory state in place of the rows
 * it covers, in one transaction. The state comes from the live document rather than from
 * merging stored bytes, so compaction cannot resurrect or lose anything the document does
 * not hold.
 */
export class LogCompaction {
  private readonly logs = new Map<string, LogState>();
  /** Compactions stored by this node (for /metrics). */
  compactions = 0;

  constructor(
    private readonly store: DocumentStore,
    registry: RoomRegistry,
    private readonly log: Logger,
    private readonly options: CompactionOptions,
    writes: WriteQueue,
  ) {
    registry.onLoaded((room, stored) => this.follow(room, stored));
    writes.onCommitted((docId, committed) => this.committed(docId, committed));
  }

  /**
   * Stores the merged state of the room's document in place of its log (now, whatever the
   * thresholds); one already under way is waited for first, so the state stored is the latest.
   */
  async compact(room: Room): Promise<void> {
    const state = this.logs.get(room.id);
    if (!state) return;
    while (state.compacting) await state.compacting;
    state.compacting = this.storeState(room, state).finally(() => {
      state.compacting = null;
    });
    await state.compacting;
  }

  private async storeState(room: Room, state: LogState): Promise<void> {
    try {
      // The in-memory state covers every committed row up to lastSeq (and perhaps more, which is harmless).
      const upToSeq = state.lastSeq;
      // The cached full state when there is one; encoded now otherwise, and kept for the next join.
      const full = room.fullState();
      const doc = room.content();
      const stateVector = Y.encodeStateVector(doc);
      // With the state's own vector no items qualify: what is left is the delete set alone.
      const deleteSetUpdate = Y.encodeStateAsUpdate(doc, stateVector);
      const stateSeq = await this.store.compact(room.id, full, upToSeq, { stateVector, deleteSetUpdate });
      // The next compaction must replace this row too, even if nothing is appended before it.
      state.lastSeq = Math.max(state.lastSeq, stateSeq);
      this.compactions++;
      this.log.debug(
        { doc: room.id, upToSeq, rows: state.rows, bytes: state.bytes, state: full.byteLength },
        'compacted',
      );
      state.rows = 1;
      state.bytes = full.byteLength;
      state.compactedBytes = full.byteLength;
    } catch (err) {
      this.log.error({ err, doc: room.id }, 'compaction failed; the log is kept');
    }
  }

  private follow(room: Room, stored: StoredDocument): void {
    const state: LogState = {
      room,
      rows: stored.updates.length,
      bytes: stored.updates.reduce((sum, u) => sum + u.byteLength, 0),
      lastSeq: stored.lastSeq,
      compactedBytes: 0,
      compacting: null,
    };
    this.logs.set(room.id, state);
    room.onDestroy(() => {
      if (this.logs.get(room.id) === state) this.logs.delete(room.id);
    });
  }

  private committed(docId: string, { lastSeq, rows, bytes }: CommittedWrites): void {
    const state = this.logs.get(docId);
    if (!state) return;
    state.rows += rows;
    state.bytes += bytes;
    state.lastSeq = Math.max(state.lastSeq, lastSeq);
    const { compactRows, compactBytes } = this.options;
    const due =
      state.rows > compactRows || state.bytes - state.compactedBytes > Math.max(compactBytes, state.compactedBytes);
    if (due && !state.compacting) void this.compact(state.room);
  }
}
