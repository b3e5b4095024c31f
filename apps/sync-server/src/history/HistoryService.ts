import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import * as Y from 'yjs';
import { newDocId } from '@tandem/crdt-bridge/protocol';
import type { ChangeOrigin } from '../rooms/origins.js';
import type { RoomHooks, RoomRegistry } from '../rooms/RoomRegistry.js';
import type { DocumentMeta, DocumentStore } from '../storage/DocumentStore.js';
import type { VersionMeta, VersionStore } from '../storage/VersionStore.js';
import type { WriteQueue } from '../storage/WriteQueue.js';
import { JobRefused, type StateSource } from '../work/jobs.js';
import type { WorkerPool } from '../work/WorkerPool.js';
import { AutoSnapshots, type RoomTracker } from './AutoSnapshots.js';
import { budgetThinningOrder, versionsToThin, type RetentionPolicy } from './retention.js';

/** When automatic snapshots are taken and how long they are kept. */
export interface HistoryOptions {
  /** Snapshot once a burst of editing has been quiet this long. */
  quietMs: number;
  /** Snapshot at least this often while editing goes on without a pause. */
  maxIntervalMs: number;
  retention: RetentionPolicy;
  /** Most bytes one document's history may take in storage; the oldest automatic versions go first. */
  maxBytes: number;
}

/** Bounds on what history produces. */
export interface HistoryLimits {
  /** Largest state a copy of a version may have (what one client message may carry). */
  maxStateBytes: number;
  /** Largest diff, in bytes of JSON. */
  maxDiffBytes: number;
}

/** What {@link HistoryService} needs. */
export interface HistoryDeps {
  store: DocumentStore;
  registry: RoomRegistry;
  writes: WriteQueue;
  log: Logger;
  options: HistoryOptions;
  /** Where decoding, diffing and restoring run, off the event loop. */
  work: WorkerPool;
  limits: HistoryLimits;
  /** The clock (tests may replace it). */
  now?: () => number;
}

/** A request history cannot serve, with the HTTP status and error code to answer it with. */
export class HistoryError extends Error {
  override readonly name = 'HistoryError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Which state a diff compares a version with: another version, the live document, or the version before it. */
export type DiffAgainst = number | 'current' | 'previous';

/** One side of a diff: a version, the live document (`current`), or the empty document (neither). */
export interface DiffSide {
  version: VersionMeta | null;
  current: boolean;
}

/**
 * The changes between two states of a document, oldest side first: the sides, and the
 * rest as the text of one JSON object (`{ doc, changes, stats, titles, colors, hidden,
 * truncated }`, see the diff job), made on a worker and sent on as it is.
 */
export interface VersionDiff {
  base: DiffSide;
  target: DiffSide;
  body: Uint8Array;
}

/** Room for what the API writes around a diff's body besides the sides' versions (keys, ISO dates). */
const DIFF_SIDES_SLACK_BYTES = 256;

/** What a restore did. */
export interface RestoreResult {
  /** The version restored (now pinned: retention keeps it). */
  restored: VersionMeta;
  /** The state just before the restore, kept so the restore can be undone by restoring it. */
  restorePoint: VersionMeta;
  /** False when the content already was the version's. */
  changed: boolean;
}

/** One side of a diff with its state and its place in time (0: the empty document; higher: later). */
type RankedSide = DiffSide & { source: StateSource | null; rank: number };

const RESTORE_ORIGIN: ChangeOrigin = Object.freeze({ source: 'server', reason: 'restore' });

/** A Yjs client id no document has used yet, with the same odds as Yjs's own. */
function freshClientId(): number {
  return randomInt(1, 2 ** 32 - 1);
}

/**
 * Version history: automatic snapshots (after a burst of editing goes quiet, at least
 * every `maxIntervalMs` while it goes on, when the last person leaves, and just before
 * every restore), named versions, retention, diffs and restores. A snapshot is the
 * document's encoded state at that moment; the live document keeps garbage collection.
 * Authors come from presence: each member's changes are credited to the name it shows.
 */
export class HistoryService {
  /** Hooks for the room registry: they let history follow each loaded document. */
  readonly hooks: RoomHooks;

  private readonly versions: VersionStore | null;
  private readonly auto: AutoSnapshots;
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly now: () => number;

  constructor(private readonly deps: HistoryDeps) {
    this.versions = deps.store.versions ?? null;
    this.now = deps.now ?? Date.now;
    this.auto = new AutoSnapshots({
      versions: this.versions,
      log: deps.log,
      quietMs: deps.options.quietMs,
      maxIntervalMs: deps.options.maxIntervalMs,
      now: this.now,
      stored: (docId) => this.applyRetention(docId),
    });
    this.hooks = this.auto.hooks;
  }

  /** Whether the store keeps history (without it every request answers 501). */
  get enabled(): boolean {
    return this.versions !== null;
  }

  /** A document's versions, newest first, and the colours of their authors. */
  async list(docId: string): Promise<{ versions: VersionMeta[]; colors: Record<string, string | null> }> {
    const store = this.store();
    const [versions, authors] = await Promise.all([store.listVersions(docId), store.authors(docId)]);
    const colors: Record<string, string | null> = {};
    for (const v of versions) for (const name of v.authors) colors[name] = null;
    for (const a of authors) if (a.name in colors && a.color) colors[a.name] = a.color;
    return { versions, colors };
  }

  /**
   * A version's content, rendered on a worker: as the text of a JSON object `{ doc, text,
   * title }`, as Markdown or as HTML. Null when the document has no such version.
   */
  async content(
    docId: string,
    id: number,
    format: 'json' | 'markdown' | 'html',
  ): Promise<{ version: VersionMeta; body: Uint8Array; title: string } | null> {
    const store = this.store();
    const [version, packed] = await Promise.all([store.getVersion(docId, id), store.versionState(docId, id)]);
    if (!version || !packed) return null;
    return { version, ...(await this.deps.work.run('versionContent', { version: packed, format })) };
  }

  /**
   * Snapshots the current state as a named version. Refused (`HISTORY_FULL`) when the
   * history is over its budget even after thinning: what is left is named or pinned,
   * which only a person may let go of.
   */
  async nameCurrent(docId: string, name: string): Promise<VersionMeta> {
    const store = this.store();
    return this.locked(docId, () =>
      this.deps.registry.withRoom(docId, async (room) => {
        if (!(await this.keepWithinBudget(docId))) {
          const megabytes = Math.round(this.deps.options.maxBytes / 2 ** 20);
          throw new HistoryError(
            507,
            'HISTORY_FULL',
            `This document's history is full (it keeps at most ${megabytes} MB of versions, and what is left is named). ` +
              'Remove the name from versions you no longer need, then try again.',
          );
        }
        const tracker = this.auto.trackerFor(room);
        const capture = this.auto.capture(tracker);
        try {
          const named = await store.addVersion({ docId, kind: 'named', name, createdAt: this.now(), ...capture });
          await this.keepWithinBudget(docId);
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
  async rename(docId: string, id: number, name: string | null): Promise<VersionMeta | null> {
    const store = this.store();
    const version = await store.getVersion(docId, id);
    if (!version) return null;
    const kind =
      version.kind === 'restore-point' ? version.kind : name === null ? ('auto' as const) : ('named' as const);
    return store.updateVersion(docId, id, { name, kind });
  }

  /**
   * The changes between version `id` and `against`, shown from the older side to the
   * newer (the live document being the newest), with authors where known. Null when
   * the document has no version `id`; a HistoryError when `against` names none.
   */
  async diff(docId: string, id: number, against: DiffAgainst): Promise<VersionDiff | null> {
    const store = this.store();
    const all = await store.listVersions(docId); // newest first
    const index = all.findIndex((v) => v.id === id);
    const version = all[index];
    if (!version) return null;
    const packed = await store.versionState(docId, id);
    if (!packed) return null;
    const mine: RankedSide = { version, current: false, source: { packed }, rank: all.length - index };
    let other: RankedSide;
    let pendingAuthors: string[] = [];
    if (against === 'current') {
      const live = await this.current(docId);
      pendingAuthors = live.authors;
      other = { version: null, current: true, source: live.source, rank: all.length + 1 };
    } else if (against === 'previous') {
      const previous = all[index + 1] ?? null;
      other = {
        version: previous,
        current: false,
        source: previous ? await this.sourceOf(docId, previous.id) : null,
        rank: previous ? all.length - index - 1 : 0,
      };
    } else {
      const at = all.findIndex((v) => v.id === against);
      const found = all[at];
      const source = found ? await this.sourceOf(docId, found.id) : null;
      if (!found || !source)
        throw new HistoryError(404, 'VERSION_NOT_FOUND', `This document has no version ${against} to compare with.`);
      other = { version: found, current: false, source, rank: all.length - at };
    }
    const [base, target] = other.rank <= mine.rank ? [other, mine] : [mine, other];

    // Everyone who edited after the base, up to and including the target.
    const editors = new Set<string>(target.current ? pendingAuthors : []);
    for (const [i, v] of all.entries()) {
      const rank = all.length - i;
      if (rank > base.rank && rank <= target.rank) for (const name of v.authors) editors.add(name);
    }
    const sole = editors.size === 1 ? [...editors][0]! : null;
    const { body } = await this.deps.work.run('diff', {
      base: base.source,
      target: target.source ?? { updates: [] },
      authors: await store.authors(docId),
      sole,
      maxBytes: this.deps.limits.maxDiffBytes,
      // The API adds the two sides around the body; their metadata is about as long as the versions' JSON.
      reservedBytes: Buffer.byteLength(JSON.stringify([base.version, target.version])) + DIFF_SIDES_SLACK_BYTES,
    });
    return {
      base: { version: base.version, current: base.current },
      target: { version: target.version, current: target.current },
      body,
    };
  }

  /**
   * Restores version `id` (the whole document, or only its top-level block `block`) as
   * one ordinary Yjs change on the live document: everyone connected receives it at
   * once, like any edit. The state just before is stored first as a restore point.
   * Resolves once the change is durably stored; null when there is no such version.
   */
  async restore(
    docId: string,
    id: number,
    options: { by?: string | null; block?: number } = {},
  ): Promise<RestoreResult | null> {
    const store = this.store();
    const [version, packed] = await Promise.all([store.getVersion(docId, id), store.versionState(docId, id)]);
    if (!version || !packed) return null;
    const by = options.by ?? null;
    const result = await this.locked(docId, () =>
      this.deps.registry.withRoom(docId, async (room): Promise<RestoreResult> => {
        // A client id of its own, so the restored content is credited to whoever restored it.
        const clientId = freshClientId();
        let update: Uint8Array | null;
        try {
          ({ update } = await this.deps.work.run('restore', {
            current: { updates: [room.fullState()] },
            version: packed,
            block: options.block ?? null,
            clientId,
          }));
        } catch (err) {
          if (err instanceof JobRefused && err.code === 'INVALID_BLOCK')
            throw new HistoryError(400, 'INVALID_BLOCK', err.message);
          throw err;
        }
        if (this.deps.registry.get(docId) !== room)
          throw new HistoryError(503, 'TRY_AGAIN', 'The document was unloaded during the restore; try again.');
        const tracker = this.auto.trackerFor(room);
        // Stored just before the change is applied: the restore point is exactly the state it changes.
        const restorePoint = await this.storeRestorePoint(tracker, id);
        if (this.deps.registry.get(docId) !== room)
          throw new HistoryError(503, 'TRY_AGAIN', 'The document was unloaded during the restore; try again.');
        if (by !== null) this.auto.recordAuthors(tracker, [clientId], { name: by, color: null });
        // Computed from the state when the restore began; edits made since merge with it like any concurrent edit.
        if (update) Y.applyUpdate(room.doc, update, RESTORE_ORIGIN);
        const changed = update !== null;
        if (changed && by !== null) tracker.authors.add(by);
        const restored = (await store.updateVersion(docId, id, { pinned: true })) ?? version;
        this.deps.log.info(
          { doc: docId, version: id, block: options.block, changed, restorePoint: restorePoint.id },
          'version restored',
        );
        return { restored, restorePoint, changed };
      }),
    );
    // An HTTP request waits for the restore to be stored, but not for storage to recover.
    await this.deps.writes.durableOrFail();
    await this.keepWithinBudget(docId);
    return result;
  }

  /**
   * Creates a new document (`copyId`, by default a fresh id) holding version `id`'s
   * content with a history of its own; null when there is no such version.
   */
  async copy(docId: string, id: number, copyId: string = newDocId()): Promise<DocumentMeta | null> {
    const packed = await this.store().versionState(docId, id);
    if (!packed) return null;
    const content = await this.deps.work.run('copyVersion', {
      version: packed,
      maxStateBytes: this.deps.limits.maxStateBytes,
    });
    const { state, stateVector, deleteSetUpdate, title } = content;
    // One transaction: a copy that fails leaves no document behind.
    return this.deps.store.create(copyId, { state, summary: { stateVector, deleteSetUpdate }, title }, this.now());
  }

  /**
   * Deletes the automatic snapshots retention no longer keeps, then thins the history
   * down to its budget; returns how many versions went.
   */
  async applyRetention(docId: string): Promise<number> {
    const store = this.store();
    const drop = versionsToThin(await store.listVersions(docId), this.now(), this.deps.options.retention);
    const retired = drop.length > 0 ? await store.deleteThinnable(docId, drop) : 0;
    const before = (await store.listVersions(docId)).length;
    await this.keepWithinBudget(docId);
    return retired + before - (await store.listVersions(docId)).length;
  }

  /**
   * Deletes versions in {@link budgetThinningOrder} until the document's history fits its
   * budget; returns whether it does.
   */
  private async keepWithinBudget(docId: string): Promise<boolean> {
    const store = this.store();
    const { maxBytes } = this.deps.options;
    if ((await store.historyBytes(docId)) <= maxBytes) return true;
    for (const id of budgetThinningOrder(await store.listVersions(docId))) {
      await store.deleteThinnable(docId, [id]);
      if ((await store.historyBytes(docId)) <= maxBytes) {
        this.deps.log.info({ doc: docId, maxBytes }, 'history over its budget: oldest versions thinned');
        return true;
      }
    }
    return false;
  }

  /** Stops taking snapshots (server shutdown); snapshots already started still finish. */
  close(): void {
    this.auto.close();
  }

  /** A version's state as a job takes it; null when there is no such version. */
  private async sourceOf(docId: string, id: number): Promise<StateSource | null> {
    const packed = await this.store().versionState(docId, id);
    return packed ? { packed } : null;
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

  private store(): VersionStore {
    if (!this.versions) throw new HistoryError(501, 'HISTORY_UNAVAILABLE', 'This server keeps no version history.');
    return this.versions;
  }

  /**
   * Stores the room's current state as a restore point for a restore of version
   * `restoreOf`. With a store that really waits, edits can arrive meanwhile: the point
   * is then re-taken, so it is exactly the state the restore changes.
   */
  private async storeRestorePoint(tracker: RoomTracker, restoreOf: number): Promise<VersionMeta> {
    const store = this.store();
    const { doc } = tracker.room;
    let moved = false;
    const watch = (): void => {
      moved = true;
    };
    doc.on('update', watch);
    try {
      const capture = this.auto.capture(tracker);
      let point: VersionMeta;
      try {
        point = await store.addVersion({
          docId: tracker.room.id,
          kind: 'restore-point',
          name: null,
          createdAt: this.now(),
          restoreOf,
          ...capture,
        });
      } catch (err) {
        this.auto.uncapture(tracker, capture);
        throw err;
      }
      for (let attempt = 0; moved && attempt < 5; attempt++) {
        moved = false;
        const again = this.auto.capture(tracker);
        point = (await store.updateVersion(tracker.room.id, point.id, { state: again.state })) ?? point;
      }
      return point;
    } finally {
      doc.off('update', watch);
    }
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
