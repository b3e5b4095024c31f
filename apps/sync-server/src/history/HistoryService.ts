import type { Logger } from 'pino';
import { freshAuthorId, type EditDoor, type EditSession, type ServerOrigin } from '../documents/EditDoor.js';
import { UPDATE_PART_STRUCTS } from '../rooms/largeUpdate.js';
import type { RoomRegistry } from '../rooms/RoomRegistry.js';
import type { PackedState } from '../storage/rowCodec.js';
import type { VersionMeta, VersionStore } from '../storage/VersionStore.js';
import { JobRefused, type StateSource } from '../work/jobs.js';
import type { WorkerPool } from '../work/WorkerPool.js';
import { AutoSnapshots } from './AutoSnapshots.js';
import { isRefusal, noVersion, refusal, type HistoryRefusal } from './outcomes.js';
import type { RetentionPolicy } from './retention.js';
import { storeRestorePoint } from './restorePoint.js';
import { VersionBudget } from './VersionBudget.js';
import { versionDiff, type DiffAgainst, type VersionDiff } from './versionDiff.js';

export type { DiffAgainst, DiffSide, VersionDiff } from './versionDiff.js';

/** When automatic snapshots are taken and how long they are kept. */
export interface HistoryOptions {
  /** Snapshot once a burst of editing has been quiet this long. */
  quietMs: number;
  /** Snapshot at least this often while editing goes on without a pause. */
  maxIntervalMs: number;
  retention: RetentionPolicy;
  /** Most bytes one document's history may take in storage; the oldest automatic versions go first. */
  maxBytes: number;
  /** Largest diff, in bytes of JSON. */
  maxDiffBytes: number;
}

/** What {@link HistoryService} needs. */
export interface HistoryDeps {
  /** Where versions are stored; null when the store keeps none (every request is then refused). */
  versions: VersionStore | null;
  registry: RoomRegistry;
  /** The one door for server-side edits: restores go through it. */
  door: EditDoor;
  log: Logger;
  options: HistoryOptions;
  /** Where decoding, diffing and restoring run, off the event loop. */
  work: WorkerPool;
  /** The clock (tests may replace it). */
  now?: () => number;
}

/** What a restore did. */
export interface RestoreResult {
  /** The version restored (now pinned: retention keeps it). */
  restored: VersionMeta;
  /** The state just before the restore, kept so the restore can be undone by restoring it. */
  restorePoint: VersionMeta;
  /** False when the content already was the version's. */
  changed: boolean;
  /**
   * The Yjs update the restore applied (null when nothing changed): the restorer's editor
   * records it as one step of its own undo history.
   */
  update: Uint8Array | null;
}

const RESTORE_ORIGIN: ServerOrigin = Object.freeze({ source: 'server', reason: 'restore' });

const NO_HISTORY = refusal('history-unavailable', 'This server keeps no version history.');

/**
 * Version history: automatic snapshots (after a burst of editing goes quiet, at least
 * every `maxIntervalMs` while it goes on, when the last person leaves, and just before
 * every restore), named versions, retention and the history budget, diffs and restores.
 * A snapshot is the document's encoded state at that moment; the live document keeps
 * garbage collection. Authors come from presence. Every method answers a refusal
 * (`HistoryRefusal`) rather than an HTTP status: the routes decide those.
 */
export class HistoryService {
  private readonly auto: AutoSnapshots;
  private readonly budget: VersionBudget | null;
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly now: () => number;

  constructor(private readonly deps: HistoryDeps) {
    this.now = deps.now ?? Date.now;
    const { versions, options, log } = deps;
    this.budget = versions ? new VersionBudget(versions, log, options.retention, options.maxBytes, this.now) : null;
    this.auto = new AutoSnapshots({
      versions,
      log,
      quietMs: options.quietMs,
      maxIntervalMs: options.maxIntervalMs,
      now: this.now,
      stored: (docId) => this.applyRetention(docId),
    });
    // History follows each loaded document: who changes it, and when to snapshot it.
    deps.registry.onLoaded((room) => this.auto.trackerFor(room));
    deps.registry.onEmptied((room) => this.auto.emptied(room));
  }

  /** Automatic versions this node has stored (for /metrics). */
  get autoVersions(): number {
    return this.auto.taken;
  }

  /** Whether the store keeps history. */
  get enabled(): boolean {
    return this.deps.versions !== null;
  }

  /** A document's versions, newest first, and the colours of their authors. */
  async list(
    docId: string,
  ): Promise<{ versions: VersionMeta[]; colors: Record<string, string | null> } | HistoryRefusal> {
    const store = this.deps.versions;
    if (!store) return NO_HISTORY;
    const [versions, authors] = await Promise.all([store.listVersions(docId), store.authors(docId)]);
    const colors: Record<string, string | null> = {};
    for (const v of versions) for (const name of v.authors) colors[name] = null;
    for (const a of authors) if (a.name in colors && a.color) colors[a.name] = a.color;
    return { versions, colors };
  }

  /** One version and its state as stored, or the refusal. */
  async version(docId: string, id: number): Promise<{ version: VersionMeta; packed: PackedState } | HistoryRefusal> {
    const store = this.deps.versions;
    if (!store) return NO_HISTORY;
    const [version, packed] = await Promise.all([store.getVersion(docId, id), store.versionState(docId, id)]);
    return version && packed ? { version, packed } : noVersion(docId, id);
  }

  /**
   * A version's content, rendered on a worker: as the text of a JSON object `{ doc, text,
   * title }`, as Markdown or as HTML.
   */
  async content(
    docId: string,
    id: number,
    format: 'json' | 'markdown' | 'html',
  ): Promise<{ version: VersionMeta; body: Uint8Array; title: string } | HistoryRefusal> {
    const found = await this.version(docId, id);
    if (isRefusal(found)) return found;
    return {
      version: found.version,
      ...(await this.deps.work.run('versionContent', { version: found.packed, format })),
    };
  }

  /**
   * Snapshots the current state as a named version. Refused (`history-full`) when the
   * history is over its budget even after thinning: what is left is named or pinned,
   * which only a person may let go of.
   */
  async nameCurrent(docId: string, name: string): Promise<VersionMeta | HistoryRefusal> {
    const { versions: store } = this.deps;
    const budget = this.budget;
    if (!store || !budget) return NO_HISTORY;
    return this.locked(docId, () =>
      this.deps.registry.withRoom(docId, async (room) => {
        if (!(await budget.keepWithin(docId))) {
          const megabytes = Math.round(budget.maxBytes / 2 ** 20);
          return refusal(
            'history-full',
            `This document's history is full (it keeps at most ${megabytes} MB of versions, and what is left is named). ` +
              'Remove the name from versions you no longer need, then try again.',
          );
        }
        const tracker = this.auto.trackerFor(room);
        const capture = this.auto.capture(tracker);
        try {
          const named = await store.addVersion({ docId, kind: 'named', name, createdAt: this.now(), ...capture });
          await budget.keepWithin(docId);
          return named;
        } catch (err) {
          this.auto.uncapture(tracker, capture);
          throw err;
        }
      }),
    );
  }

  /**
   * Names (or renames) a version; naming an automatic snapshot makes it a named version
   * that retention keeps. A null name turns a named version back into an automatic one.
   */
  async rename(docId: string, id: number, name: string | null): Promise<VersionMeta | HistoryRefusal> {
    const store = this.deps.versions;
    if (!store) return NO_HISTORY;
    const version = await store.getVersion(docId, id);
    if (!version) return noVersion(docId, id);
    const kind =
      version.kind === 'restore-point' ? version.kind : name === null ? ('auto' as const) : ('named' as const);
    return (await store.updateVersion(docId, id, { name, kind })) ?? noVersion(docId, id);
  }

  /** The changes between version `id` and `against` (see `versionDiff`). */
  async diff(docId: string, id: number, against: DiffAgainst): Promise<VersionDiff | HistoryRefusal> {
    const versions = this.deps.versions;
    if (!versions) return NO_HISTORY;
    const diffDeps = {
      versions,
      work: this.deps.work,
      current: (of: string) => this.current(of),
      maxDiffBytes: this.deps.options.maxDiffBytes,
    };
    return versionDiff(diffDeps, docId, id, against);
  }

  /**
   * Restores version `id` (the whole document, or only its top-level block `block`) as
   * one ordinary Yjs change on the live document, through the edit door: everyone
   * connected receives it at once, like any edit. The state just before is stored first as
   * a restore point. Resolves once the change is durably stored.
   */
  async restore(
    docId: string,
    id: number,
    options: { by?: string | null; block?: number } = {},
  ): Promise<RestoreResult | HistoryRefusal> {
    const found = await this.version(docId, id);
    if (isRefusal(found)) return found;
    const result = await this.locked(docId, () =>
      this.deps.door.edit(docId, (session) => this.restoreIn(session, id, found, options)),
    );
    if (!isRefusal(result)) await this.budget?.keepWithin(docId);
    return result;
  }

  /** Deletes the automatic snapshots retention no longer keeps, then thins to the budget; returns how many went. */
  async applyRetention(docId: string): Promise<number> {
    return (await this.budget?.applyRetention(docId)) ?? 0;
  }

  /** Stops taking snapshots (server shutdown); resolves once snapshots already started are stored. */
  close(): Promise<void> {
    return this.auto.close();
  }

  /** The restore itself, with the document held open by the edit door. */
  private async restoreIn(
    session: EditSession,
    id: number,
    { version, packed }: { version: VersionMeta; packed: PackedState },
    options: { by?: string | null; block?: number },
  ): Promise<RestoreResult | HistoryRefusal> {
    const { room } = session;
    const { registry, work, versions } = this.deps;
    const by = options.by ?? null;
    // A client id of its own, so the restored content is credited to whoever restored it.
    const clientId = freshAuthorId();
    let update: Uint8Array | null;
    let before: Uint8Array;
    let parts: Uint8Array[];
    // The worker's copy of the state is the restore point, unless the document changes meanwhile.
    let moved = false;
    const stopWatching = room.onChange(() => void (moved = true));
    try {
      const block = options.block ?? null;
      ({ update, before, parts } = await work.run('restore', {
        // As parts (no encoding here): the worker applies them and encodes the whole.
        current: { updates: room.stateParts() },
        version: packed,
        block,
        clientId,
        maxStructs: UPDATE_PART_STRUCTS,
      }));
    } catch (err) {
      if (err instanceof JobRefused && err.code === 'INVALID_BLOCK') return refusal('invalid-block', err.message);
      throw err;
    } finally {
      stopWatching();
    }
    const unloaded = refusal('unloaded', 'The document was unloaded during the restore; try again.');
    if (registry.get(room.id) !== room) return unloaded;
    const tracker = this.auto.trackerFor(room);
    // Stored just before the change is applied: the restore point is exactly the state it changes.
    const point = moved ? undefined : before;
    const restorePoint = await storeRestorePoint(this.auto, versions!, tracker, id, this.now(), point);
    if (registry.get(room.id) !== room) return unloaded;
    if (by !== null) this.auto.recordAuthors(tracker, [clientId], { name: by, color: null });
    // Computed from the state when the restore began; edits made since merge with it like any concurrent edit.
    // A part per turn, as a big paste is: a restore that rewrites thousands of blocks does not hold the loop.
    if (update) await session.applyInTurns(parts, RESTORE_ORIGIN);
    const changed = update !== null;
    if (changed) this.auto.restored(tracker, by, id);
    const restored = (await versions!.updateVersion(room.id, id, { pinned: true })) ?? version;
    this.deps.log.info(
      { doc: room.id, version: id, block: options.block, changed, restorePoint: restorePoint.id },
      'version restored',
    );
    return { restored, restorePoint, changed, update };
  }

  /**
   * The live document's state and who edited it since the last snapshot, without loading
   * it: a document nobody has open is read from storage, and its edits are all in a
   * snapshot already.
   */
  private async current(docId: string): Promise<{ source: StateSource; authors: string[] }> {
    const room = this.deps.registry.get(docId);
    const authors = room ? [...this.auto.trackerFor(room).authors] : [];
    return { source: { updates: (await this.deps.registry.contentOf(docId)) ?? [] }, authors };
  }

  /** Runs `work` after every earlier locked work on the same document has finished. */
  private locked<T>(docId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(docId) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.catch(() => undefined);
    this.locks.set(docId, tail);
    void tail.then(() => {
      if (this.locks.get(docId) === tail) this.locks.delete(docId);
    });
    return run;
  }
}
