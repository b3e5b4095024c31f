import type { VersionMeta, VersionStore } from '../storage/VersionStore.js';
import type { AutoSnapshots, RoomTracker } from './AutoSnapshots.js';

/** How many times a restore point is taken again when edits keep arriving while it is stored. */
const RETAKES = 5;

/**
 * Stores the room's current state as a restore point for a restore of version
 * `restoreOf` (`state` when the caller has it encoded already: the room's state now). Storing takes a moment (the state is packed off the event loop), and edits
 * can arrive meanwhile: the point is then taken again, so it is exactly the state the
 * restore changes.
 */
export async function storeRestorePoint(
  auto: AutoSnapshots,
  versions: VersionStore,
  tracker: RoomTracker,
  restoreOf: number,
  createdAt: number,
  state?: Uint8Array,
): Promise<VersionMeta> {
  const { room } = tracker;
  let moved = false;
  const stopWatching = room.onChange(() => {
    moved = true;
  });
  try {
    const capture = auto.capture(tracker, state);
    let point: VersionMeta;
    try {
      point = await versions.addVersion({
        docId: room.id,
        kind: 'restore-point',
        name: null,
        createdAt,
        restoreOf,
        ...capture,
      });
    } catch (err) {
      auto.uncapture(tracker, capture);
      throw err;
    }
    for (let attempt = 0; moved && attempt < RETAKES; attempt++) {
      moved = false;
      const again = auto.capture(tracker);
      point = (await versions.updateVersion(room.id, point.id, { state: again.state })) ?? point;
    }
    return point;
  } finally {
    stopWatching();
  }
}
