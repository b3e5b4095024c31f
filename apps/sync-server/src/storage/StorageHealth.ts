import fs from 'node:fs';
import type { DocumentStore } from './DocumentStore.js';
import { describeStorageError } from './storageErrors.js';
import type { WriteQueue } from './WriteQueue.js';

/** Options for {@link StorageHealth}. */
export interface StorageHealthOptions {
  /** The directory holding the database, whose disk is watched; null watches no disk. */
  dataDir: string | null;
  /** Less free space than this on that disk is trouble (0: never). */
  minFreeDiskBytes: number;
  /** A commit waiting for the disk longer than this means storage does not answer. */
  commitStallMs?: number;
}

/** What {@link StorageHealth.check} found. */
export interface StorageReport {
  /** Each problem as a phrase ("commits are failing: the disk is full"); empty when all is well. */
  problems: string[];
  /** Free space on the disk holding the data directory, when known. */
  freeDiskBytes: number | null;
}

/** A commit this long in flight is stuck: a healthy disk commits in milliseconds. */
const DEFAULT_COMMIT_STALL_MS = 10_000;

function mebibytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * Whether storage can take writes right now, for `/healthz` and for HTTP writes:
 * commits failing, a commit stuck, the database not answering, the disk nearly full.
 */
export class StorageHealth {
  constructor(
    private readonly store: DocumentStore,
    private readonly writes: WriteQueue,
    private readonly options: StorageHealthOptions,
  ) {}

  /** Why a change cannot be saved now (commits are failing), or null; cheap enough for every request. */
  writeProblem(): string | null {
    return this.writes.isFailing ? describeStorageError(this.writes.lastError) : null;
  }

  /** Checks everything, the disk included. */
  async check(now = Date.now()): Promise<StorageReport> {
    const problems: string[] = [];
    try {
      await this.store.ping();
    } catch (error) {
      problems.push(`the database does not answer (${describeStorageError(error)})`);
    }
    const failing = this.writeProblem();
    if (failing !== null) problems.push(`commits are failing: ${failing}`);
    const since = this.writes.commitInFlightSince;
    const stallMs = this.options.commitStallMs ?? DEFAULT_COMMIT_STALL_MS;
    if (since !== null && now - since > stallMs)
      problems.push(`a commit has been waiting for the disk for ${Math.round((now - since) / 1000)} s`);
    let freeDiskBytes: number | null = null;
    if (this.options.dataDir !== null) {
      try {
        const stats = await fs.promises.statfs(this.options.dataDir);
        freeDiskBytes = stats.bavail * stats.bsize;
        if (freeDiskBytes < this.options.minFreeDiskBytes)
          problems.push(
            `the disk holding DATA_DIR is nearly full: ${mebibytes(freeDiskBytes)} free, ` +
              `less than MIN_FREE_DISK_BYTES (${mebibytes(this.options.minFreeDiskBytes)})`,
          );
      } catch (error) {
        problems.push(`the data directory cannot be examined (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }
    return { problems, freeDiskBytes };
  }
}
