import type { RefusalCode } from './jobs.js';

/** What the pool sends a worker: one job to run. */
export interface JobRequest {
  id: number;
  job: string;
  input: unknown;
}

/** What a worker sends back: that it has loaded, or how a job ended. */
export type JobReply =
  | { type: 'ready' }
  | { type: 'done'; id: number; output: unknown }
  | { type: 'refused'; id: number; code: RefusalCode; message: string }
  | { type: 'failed'; id: number; message: string };

/**
 * The buffers of the byte arrays in `value` (its fields, and the items of arrays in its
 * fields) that can move to the other thread instead of being copied: those a byte array
 * has to itself. Anything else is copied as usual.
 */
export function transferList(value: unknown): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  const consider = (item: unknown): void => {
    if (!(item instanceof Uint8Array)) return;
    const { buffer } = item;
    if (buffer instanceof ArrayBuffer && item.byteOffset === 0 && item.byteLength === buffer.byteLength)
      buffers.add(buffer);
  };
  if (typeof value === 'object' && value !== null) {
    for (const field of Object.values(value)) {
      if (Array.isArray(field)) field.forEach(consider);
      else consider(field);
    }
  }
  return [...buffers];
}

/** What a worker is started with (`workerData`). */
export interface WorkerSettings {
  /** The CPU priority it lowers itself to (see threadPriority.ts). */
  niceness: number;
}
