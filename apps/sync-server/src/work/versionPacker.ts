import type { Logger } from 'pino';
import { packVersionState, type VersionPacker } from '../storage/versionPacking.js';
import type { WorkerPool } from './WorkerPool.js';

/**
 * A version packer that runs on `pool`: packing reads the whole state (its state vector, its
 * delta on a base), tens of milliseconds of the event loop for a multi-MB document. When the
 * pool cannot take the job (closed at shutdown, full, out of memory), the state is packed
 * here rather than not stored.
 */
export function packerOn(pool: WorkerPool, log: Logger): VersionPacker {
  return async (state, base) => {
    try {
      return await pool.run('packVersion', { state, base });
    } catch (err) {
      log.warn({ err }, 'a version was packed on the event loop: the worker pool could not take it');
      return packVersionState(state, base);
    }
  };
}
