import type { DurabilityTicket } from '../storage/WriteQueue.js';
import type { Member } from './Member.js';

/**
 * Who made a change to a room's Y.Doc. Updates from `load` are already stored and
 * go nowhere; the others are stored and broadcast (a member's to everyone but itself).
 */
export type ChangeOrigin =
  | { source: 'load' }
  /**
   * `clients`: the Yjs client ids the update brought new content under (already worked out
   * to check ownership). `ticket`: set by ChangeFanout when it queues what the update changed
   * for storage, so whoever applied it acknowledges on that value rather than on timing.
   */
  | { source: 'member'; member: Member; clients: readonly number[]; ticket?: DurabilityTicket }
  | { source: 'server'; reason: string };

/** The origin used when applying stored updates while loading a document. */
export const LOAD_ORIGIN: ChangeOrigin = Object.freeze({ source: 'load' });
