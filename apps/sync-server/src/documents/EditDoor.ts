import { randomInt } from 'node:crypto';
import * as Y from 'yjs';
import { nextTurn } from '../rooms/largeUpdate.js';
import type { ChangeOrigin } from '../rooms/origins.js';
import type { Room } from '../rooms/Room.js';
import type { RoomRegistry } from '../rooms/RoomRegistry.js';
import type { WriteQueue } from '../storage/WriteQueue.js';

/** Who makes a server-side change, and why: it is stored and relayed to everyone like any edit. */
export type ServerOrigin = ChangeOrigin & { source: 'server' };

/** What a server-side edit can do with the document while the door holds it open. */
export interface EditSession {
  /** The loaded room, for reading (its full state, its content). */
  readonly room: Room;
  /** Changes the document in one transaction with `origin`. */
  transact(change: (doc: Y.Doc) => void, origin: ServerOrigin): void;
  /** Applies an update computed elsewhere (on a worker) as one change with `origin`. */
  apply(update: Uint8Array, origin: ServerOrigin): void;
  /**
   * Applies the parts of one update (see `splitUpdate`) in order, a part per turn of the
   * event loop, each a change with `origin`: a big restore does not hold the loop.
   */
  applyInTurns(parts: readonly Uint8Array[], origin: ServerOrigin): Promise<void>;
}

/** A Yjs client id no document has used yet, with the same odds as Yjs's own: content credited to someone new. */
export function freshAuthorId(): number {
  return randomInt(1, 2 ** 32 - 1);
}

/**
 * The one door for server-side edits (rename, restore): acquire the document, change it
 * with a named origin, wait until what changed is stored, release. The change reaches
 * everyone connected at once, as an ordinary edit.
 */
export class EditDoor {
  constructor(
    private readonly registry: RoomRegistry,
    private readonly writes: WriteQueue,
  ) {}

  /**
   * Runs `work` with the document held open; resolves with its result once what it changed
   * is stored. Rejects with `NoSuchDocument` for a document that does not exist, and with a
   * StorageUnavailableError when storing fails (the change is kept and stored on recovery).
   */
  async edit<T>(docId: string, work: (session: EditSession) => T | Promise<T>): Promise<T> {
    const result = await this.registry.withRoom(docId, (room) =>
      work({
        room,
        transact: (change, origin) => {
          const doc = room.content();
          doc.transact(() => change(doc), origin);
        },
        apply: (update, origin) => Y.applyUpdate(room.content(), update, origin),
        applyInTurns: async (parts, origin) => {
          for (const [i, part] of parts.entries()) {
            if (i > 0) await nextTurn();
            Y.applyUpdate(room.content(), part, origin);
          }
        },
      }),
    );
    await this.writes.ticketFor(docId).durableOrFail();
    return result;
  }
}
