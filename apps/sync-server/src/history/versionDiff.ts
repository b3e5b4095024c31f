import type { VersionMeta, VersionStore } from '../storage/VersionStore.js';
import type { StateSource } from '../work/jobs.js';
import type { WorkerPool } from '../work/WorkerPool.js';
import { noVersion, refusal, type HistoryRefusal } from './outcomes.js';

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

/** What diffing needs: the versions, the live document's state and authors, the worker pool. */
export interface DiffDeps {
  versions: VersionStore;
  work: WorkerPool;
  /** The live document's state and who edited it since its last snapshot. */
  current(docId: string): Promise<{ source: StateSource; authors: string[] }>;
  /** Largest diff, in bytes of JSON. */
  maxDiffBytes: number;
}

/** One side of a diff with its state and its place in time (0: the empty document; higher: later). */
type RankedSide = DiffSide & { source: StateSource | null; rank: number };

/** Room for what the API writes around a diff's body besides the sides' versions (keys, ISO dates). */
const DIFF_SIDES_SLACK_BYTES = 256;

/** The side a diff compares version number `index` (of `all`, newest first) with. */
async function otherSide(
  deps: DiffDeps,
  docId: string,
  all: readonly VersionMeta[],
  index: number,
  against: DiffAgainst,
): Promise<{ side: RankedSide; pendingAuthors: string[] } | HistoryRefusal> {
  if (against === 'current') {
    const live = await deps.current(docId);
    return {
      side: { version: null, current: true, source: live.source, rank: all.length + 1 },
      pendingAuthors: live.authors,
    };
  }
  const at = against === 'previous' ? index + 1 : all.findIndex((v) => v.id === against);
  const found = all[at] ?? null;
  const packed = found ? await deps.versions.versionState(docId, found.id) : null;
  if (against !== 'previous' && (!found || !packed))
    return refusal('no-other-version', `This document has no version ${against} to compare with.`);
  return {
    side: { version: found, current: false, source: packed ? { packed } : null, rank: found ? all.length - at : 0 },
    pendingAuthors: [],
  };
}

/**
 * The changes between version `id` and `against`, shown from the older side to the newer
 * (the live document being the newest), with authors where known, computed and bounded on
 * a worker.
 */
export async function versionDiff(
  deps: DiffDeps,
  docId: string,
  id: number,
  against: DiffAgainst,
): Promise<VersionDiff | HistoryRefusal> {
  const { versions } = deps;
  const all = await versions.listVersions(docId); // newest first
  const index = all.findIndex((v) => v.id === id);
  const version = all[index];
  const packed = version ? await versions.versionState(docId, id) : null;
  if (!version || !packed) return noVersion(docId, id);
  const mine: RankedSide = { version, current: false, source: { packed }, rank: all.length - index };
  const other = await otherSide(deps, docId, all, index, against);
  if ('refused' in other) return other;
  const [base, target] = other.side.rank <= mine.rank ? [other.side, mine] : [mine, other.side];

  // Everyone who edited after the base, up to and including the target.
  const editors = new Set<string>(target.current ? other.pendingAuthors : []);
  for (const [i, v] of all.entries()) {
    const rank = all.length - i;
    if (rank > base.rank && rank <= target.rank) for (const name of v.authors) editors.add(name);
  }
  const { body } = await deps.work.run('diff', {
    base: base.source,
    target: target.source ?? { updates: [] },
    authors: await versions.authors(docId),
    sole: editors.size === 1 ? [...editors][0]! : null,
    maxBytes: deps.maxDiffBytes,
    // The API adds the two sides around the body; their metadata is about as long as the versions' JSON.
    reservedBytes: Buffer.byteLength(JSON.stringify([base.version, target.version])) + DIFF_SIDES_SLACK_BYTES,
  });
  return {
    base: { version: base.version, current: base.current },
    target: { version: target.version, current: target.current },
    body,
  };
}
