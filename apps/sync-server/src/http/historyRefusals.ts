import { isRefusal, type HistoryRefusal, type HistoryRefusalKind } from '../history/outcomes.js';
import { BadRequest } from './json.js';

/** The HTTP status and error code of each kind of history refusal. */
const STATUS: Record<HistoryRefusalKind, [status: number, code: string]> = {
  'history-unavailable': [501, 'HISTORY_UNAVAILABLE'],
  'no-version': [404, 'VERSION_NOT_FOUND'],
  'no-other-version': [404, 'VERSION_NOT_FOUND'],
  'invalid-block': [400, 'INVALID_BLOCK'],
  'history-full': [507, 'HISTORY_FULL'],
  unloaded: [503, 'TRY_AGAIN'],
};

/** The outcome when history did what was asked; a refusal becomes the BadRequest that answers it. */
export function accepted<T>(outcome: T | HistoryRefusal): T {
  if (!isRefusal(outcome)) return outcome;
  const [status, code] = STATUS[outcome.refused];
  throw new BadRequest(status, code, outcome.message);
}
