import type { ServerResponse } from 'node:http';
import { ErrorCode } from '@tandem/crdt-bridge/protocol';
import { sendError } from './json.js';

/** Seconds a client is asked to wait before trying a write again while storage fails. */
const RETRY_AFTER_SECONDS = 30;

/**
 * What became of the change: `refused` before anything happened, `held` in memory (applied
 * live, stored when storage recovers), or `failed` partway, when the server cannot say more.
 */
export type ChangeFate = 'refused' | 'held' | 'failed';

const AFTERWORD: Record<ChangeFate, string> = {
  refused: 'Nothing was changed; try again in a little while.',
  held: 'The change is kept in memory and will be saved when storage recovers.',
  failed: 'Try again in a little while.',
};

/** Answers 503 STORAGE_UNAVAILABLE: "The server cannot save right now: <reason>." and what became of the change. */
export function sendStorageUnavailable(res: ServerResponse, reason: string, fate: ChangeFate): void {
  res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
  sendError(res, 503, ErrorCode.StorageUnavailable, `The server cannot save right now: ${reason}. ${AFTERWORD[fate]}`);
}
